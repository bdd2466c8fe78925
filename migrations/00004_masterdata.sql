-- Master data: customers, items and what matching checks order lines against.
-- The tables mirror the record types of package catalog one to one; package
-- masterdata imports into them and loads them into a catalog.Data.
--
-- Money and quantities are numeric(18,6): six decimal places and at most
-- 10^12, so every stored value fits order.Decimal exactly.
--
-- Identifiers are stored as the importer normalised them: customer numbers,
-- currencies, price lists and warehouses trimmed and upper-cased; unit codes
-- as UN/ECE Rec 20 codes. A SKU keeps its spelling; sku_key is its
-- normalised form (catalog.NormalizeCode) and is unique, so "AB-12" and
-- "ab12" are the same item.

-- +goose Up
CREATE TABLE customers (
    number              text          PRIMARY KEY CHECK (number <> ''),
    name                text          NOT NULL DEFAULT '',
    glns                text[]        NOT NULL DEFAULT '{}',
    vat_id              text          NOT NULL DEFAULT '',
    edi_ids             text[]        NOT NULL DEFAULT '{}',
    emails              text[]        NOT NULL DEFAULT '{}',
    domains             text[]        NOT NULL DEFAULT '{}',
    -- Empty means the home currency.
    currency            text          NOT NULL DEFAULT '',
    -- NULL means no credit limit is enforced.
    credit_limit        numeric(18,6) CHECK (credit_limit >= 0),
    open_balance        numeric(18,6) NOT NULL DEFAULT 0,
    price_list          text          NOT NULL DEFAULT '',
    auto_approve        boolean       NOT NULL DEFAULT false,
    price_tolerance_pct numeric(18,6) NOT NULL DEFAULT 0 CHECK (price_tolerance_pct >= 0),
    updated_at          timestamptz   NOT NULL DEFAULT now()
);

CREATE TABLE items (
    sku            text          PRIMARY KEY CHECK (sku <> ''),
    sku_key        text          NOT NULL UNIQUE CHECK (sku_key <> ''),
    gtin           text          NOT NULL DEFAULT '',
    description    text          NOT NULL DEFAULT '',
    base_unit      text          NOT NULL DEFAULT 'PCE' CHECK (base_unit <> ''),
    min_qty        numeric(18,6) NOT NULL DEFAULT 0 CHECK (min_qty >= 0),
    order_multiple numeric(18,6) NOT NULL DEFAULT 0 CHECK (order_multiple >= 0),
    status         text          NOT NULL DEFAULT 'active'
                                 CHECK (status IN ('active', 'blocked', 'discontinued')),
    -- SKU of the item that replaces this one, or ''.
    replacement    text          NOT NULL DEFAULT ''
);

-- Sales units besides the base unit (CT = 12 PCE).
CREATE TABLE item_units (
    sku    text          NOT NULL REFERENCES items (sku) ON UPDATE CASCADE ON DELETE CASCADE,
    unit   text          NOT NULL CHECK (unit <> ''),
    factor numeric(18,6) NOT NULL CHECK (factor > 0),
    gtin   text          NOT NULL DEFAULT '',
    PRIMARY KEY (sku, unit)
);

-- A customer with entries may buy only those items (catalog.AssortmentEntry).
CREATE TABLE assortments (
    customer text NOT NULL REFERENCES customers (number) ON UPDATE CASCADE ON DELETE CASCADE,
    sku      text NOT NULL REFERENCES items (sku) ON UPDATE CASCADE ON DELETE CASCADE,
    PRIMARY KEY (customer, sku)
);
CREATE INDEX assortments_sku ON assortments (sku);

-- The customer's own item numbers; unique per customer after normalisation
-- (customer_item_key = catalog.NormalizeCode(customer_item)).
CREATE TABLE crossrefs (
    customer          text        NOT NULL REFERENCES customers (number) ON UPDATE CASCADE ON DELETE CASCADE,
    customer_item     text        NOT NULL,
    customer_item_key text        NOT NULL CHECK (customer_item_key <> ''),
    sku               text        NOT NULL REFERENCES items (sku) ON UPDATE CASCADE ON DELETE CASCADE,
    -- Empty means the unit on the order line, else the base unit.
    unit              text        NOT NULL DEFAULT '',
    source            text        NOT NULL DEFAULT 'imported' CHECK (source IN ('imported', 'learned')),
    learned_by        text        NOT NULL DEFAULT '',
    learned_at        timestamptz,
    learned_from      text        NOT NULL DEFAULT '',
    PRIMARY KEY (customer, customer_item_key)
);
CREATE INDEX crossrefs_sku ON crossrefs (sku);

-- Prices: customer set = customer price; price_list set = price list;
-- neither = list price. One row per natural key (NULLs compare equal).
CREATE TABLE prices (
    id         bigserial     PRIMARY KEY,
    customer   text          REFERENCES customers (number) ON UPDATE CASCADE ON DELETE CASCADE,
    price_list text,
    sku        text          NOT NULL REFERENCES items (sku) ON UPDATE CASCADE ON DELETE CASCADE,
    price      numeric(18,6) NOT NULL CHECK (price >= 0),
    -- Empty means the home currency.
    currency   text          NOT NULL DEFAULT '',
    -- Empty means the base unit.
    unit       text          NOT NULL DEFAULT '',
    -- Quantity break in base units.
    min_qty    numeric(18,6) NOT NULL DEFAULT 0 CHECK (min_qty >= 0),
    valid_from date,
    valid_to   date,
    CHECK (customer IS NULL OR price_list IS NULL),
    CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from),
    CONSTRAINT prices_natural_key UNIQUE NULLS NOT DISTINCT
        (sku, customer, price_list, currency, unit, min_qty, valid_from)
);
CREATE INDEX prices_customer ON prices (customer) WHERE customer IS NOT NULL;

CREATE TABLE stock (
    sku       text          NOT NULL REFERENCES items (sku) ON UPDATE CASCADE ON DELETE CASCADE,
    warehouse text          NOT NULL CHECK (warehouse <> ''),
    quantity  numeric(18,6) NOT NULL,
    PRIMARY KEY (sku, warehouse)
);

-- Orders the ERP accepted but has not invoiced yet, counted against the
-- customer's credit limit.
CREATE TABLE open_orders (
    customer text          NOT NULL REFERENCES customers (number) ON UPDATE CASCADE ON DELETE CASCADE,
    order_id text          NOT NULL CHECK (order_id <> ''),
    value    numeric(18,6) NOT NULL,
    PRIMARY KEY (customer, order_id)
);

-- The master-data version: bumped by every statement that changes one of
-- the tables above, and announced on channel ordergate_masterdata with the
-- new version as payload, so a process holding a snapshot can LISTEN and
-- reload.
CREATE TABLE masterdata_version (
    singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    version    bigint      NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO masterdata_version (version) VALUES (1);

-- +goose StatementBegin
CREATE FUNCTION masterdata_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
BEGIN
    UPDATE masterdata_version SET version = version + 1, changed_at = now() RETURNING version INTO v;
    PERFORM pg_notify('ordergate_masterdata', v::text);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER customers_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON customers
    FOR EACH STATEMENT EXECUTE FUNCTION masterdata_bump();
CREATE TRIGGER items_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON items
    FOR EACH STATEMENT EXECUTE FUNCTION masterdata_bump();
CREATE TRIGGER item_units_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON item_units
    FOR EACH STATEMENT EXECUTE FUNCTION masterdata_bump();
CREATE TRIGGER assortments_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assortments
    FOR EACH STATEMENT EXECUTE FUNCTION masterdata_bump();
CREATE TRIGGER crossrefs_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON crossrefs
    FOR EACH STATEMENT EXECUTE FUNCTION masterdata_bump();
CREATE TRIGGER prices_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prices
    FOR EACH STATEMENT EXECUTE FUNCTION masterdata_bump();
CREATE TRIGGER stock_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON stock
    FOR EACH STATEMENT EXECUTE FUNCTION masterdata_bump();
CREATE TRIGGER open_orders_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON open_orders
    FOR EACH STATEMENT EXECUTE FUNCTION masterdata_bump();

-- +goose Down
DROP TABLE open_orders, stock, prices, crossrefs, assortments, item_units, items, customers;
DROP TABLE masterdata_version;
DROP FUNCTION masterdata_bump();
