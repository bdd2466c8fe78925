-- Delivery to the ERP: when an order was approved (deliveries of one
-- customer follow that order), how often delivery was tried, the last error,
-- and what the ERP answered.

-- +goose Up
ALTER TABLE orders
    ADD COLUMN approved_at       timestamptz,
    ADD COLUMN delivered_at      timestamptz,
    ADD COLUMN delivery_attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN delivery_error    text    NOT NULL DEFAULT '',
    ADD COLUMN erp_order_id      text    NOT NULL DEFAULT '';

CREATE INDEX orders_delivery_queue ON orders (customer_number, approved_at, id)
    WHERE state IN ('approved', 'delivering');

-- +goose Down
DROP INDEX orders_delivery_queue;
ALTER TABLE orders
    DROP COLUMN approved_at,
    DROP COLUMN delivered_at,
    DROP COLUMN delivery_attempts,
    DROP COLUMN delivery_error,
    DROP COLUMN erp_order_id;
