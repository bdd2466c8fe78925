-- A change, replacement or cancellation whose content was applied to its
-- original order (which is matched again, or cancelled) is "applied": it
-- never goes to the ERP itself.

-- +goose Up
ALTER TABLE orders DROP CONSTRAINT orders_state_check;
ALTER TABLE orders ADD CONSTRAINT orders_state_check
    CHECK (state IN ('received', 'matched', 'approved', 'review', 'delivering', 'delivered', 'rejected', 'applied'));

-- +goose Down
UPDATE orders SET state = 'rejected', review_reason = 'applied to its original order' WHERE state = 'applied';
ALTER TABLE orders DROP CONSTRAINT orders_state_check;
ALTER TABLE orders ADD CONSTRAINT orders_state_check
    CHECK (state IN ('received', 'matched', 'approved', 'review', 'delivering', 'delivered', 'rejected'));
