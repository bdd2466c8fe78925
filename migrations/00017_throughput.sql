-- Throughput (issue 15): what the hot statements of matching and delivery
-- read, kept where they can read it without detoasting every order.

-- +goose Up
-- The order's value (data->'total'), for the credit check's sum over the
-- customer's pending orders (pendingValue): read from the row itself instead
-- of from each order's JSON document, which cost a detoast of every pending
-- order per match (quadratic in a large interchange of one customer). NULL
-- when the document holds no total, or one that is not a plain decimal.
ALTER TABLE orders ADD COLUMN total numeric GENERATED ALWAYS AS (
    CASE WHEN data->>'total' ~ '^-?[0-9]+(\.[0-9]+)?$' THEN (data->>'total')::numeric END) STORED;

-- +goose Down
ALTER TABLE orders DROP COLUMN total;
