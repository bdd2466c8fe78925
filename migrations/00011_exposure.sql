-- Exposure: what ordergate let through that the ERP has not reported back
-- yet. An order counts against its customer's credit, and its lines against
-- stock, from the moment it is approved until master data pushed after its
-- delivery covers it (an open_orders push for credit, a stock push of the
-- SKU for stock) and the matching snapshot holds that push. See
-- intake/exposure.go.
--
-- counted_until is the master-data version from which on the row no longer
-- counts: "not released" is the largest bigint, a push sets the version it
-- wrote, and matching on a snapshot of version v counts rows with
-- counted_until > v.

-- +goose Up
ALTER TABLE orders
    ADD COLUMN counted_until       bigint      NOT NULL DEFAULT 9223372036854775807,
    -- When the current delivery attempt began: an attempt cut off by a
    -- crash is recovered once its worker's lock is free and this is old
    -- enough (intake/deliver.go).
    ADD COLUMN delivery_started_at timestamptz,
    -- delivery_attempts when the order was last approved: the attempts
    -- since then are what counts against workers' delivery budget.
    ADD COLUMN approved_attempts   integer     NOT NULL DEFAULT 0,
    -- The row stands in for a message that could not be read (or was too
    -- long to match) when the document was parsed; a replay of the
    -- document may replace it with the order read then.
    ADD COLUMN placeholder         boolean     NOT NULL DEFAULT false;

-- The customer's orders that may count against its credit limit.
CREATE INDEX orders_exposure ON orders (customer_number, counted_until)
    WHERE state IN ('approved', 'delivering', 'delivered', 'review');
-- Delivered orders no push has covered yet (masterdata releases them).
CREATE INDEX orders_uncovered ON orders (delivered_at)
    WHERE state = 'delivered' AND counted_until = 9223372036854775807;

-- Orders not yet through matching, by PO number: a later copy of a PO
-- number waits for an earlier one (the first copy is the original).
CREATE INDEX orders_undecided_po ON orders (po_number) WHERE state IN ('received', 'matched');

-- Stock reserved by approved orders, per SKU in base units (in the one
-- warehouse matching checks, or over all of them).
CREATE TABLE reservations (
    order_id      bigint  NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    sku           text    NOT NULL,
    quantity      numeric NOT NULL,
    counted_until bigint  NOT NULL DEFAULT 9223372036854775807,
    PRIMARY KEY (order_id, sku)
);
CREATE INDEX reservations_sku ON reservations (sku, counted_until);

-- One row per SKU ever checked for stock: matching locks the rows of an
-- order's SKUs (in SKU order) so that two orders of different customers
-- cannot both take the last units. Master-data imports never touch it.
CREATE TABLE stock_holds (
    sku text PRIMARY KEY
);

-- The customer chosen at upload used to be stored as the order's customer
-- number, where matching's own result also went; it now has a field of its
-- own (order.PurchaseOrder.ChosenCustomer).
UPDATE orders o SET data = jsonb_set(o.data, '{chosen_customer}', to_jsonb(d.customer_number))
FROM documents d
WHERE d.id = o.document_id AND d.customer_number <> '';

-- +goose Down
UPDATE orders SET data = data - 'chosen_customer';
DROP TABLE stock_holds;
DROP TABLE reservations;
DROP INDEX orders_undecided_po;
DROP INDEX orders_uncovered;
DROP INDEX orders_exposure;
ALTER TABLE orders DROP COLUMN counted_until, DROP COLUMN delivery_started_at, DROP COLUMN approved_attempts, DROP COLUMN placeholder;
