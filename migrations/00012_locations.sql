-- Delivery locations of customers (catalog.Location): the stores, sites and
-- warehouses an order names as ship-to (EDIFACT NAD+DP), so that an order
-- naming one by its GLN alone, or by the ERP's code, reaches the ERP with
-- the location's address.
--
-- A location is identified by its GLN, or by its code when it has none:
-- location_key is the GLN, or 'code:' and the code. A GLN belongs to one
-- location of one customer and a code to one location of its customer;
-- package masterdata refuses imports that would share either (after the
-- merge, so that two locations can swap codes in one file).

-- +goose Up
CREATE TABLE locations (
    customer     text NOT NULL REFERENCES customers (number) ON UPDATE CASCADE ON DELETE CASCADE,
    location_key text NOT NULL CHECK (location_key <> ''),
    gln          text NOT NULL DEFAULT '',
    -- The ERP's code of the location, upper-cased; '' for none.
    code         text NOT NULL DEFAULT '',
    name         text NOT NULL DEFAULT '',
    address      text NOT NULL DEFAULT '',
    city         text NOT NULL DEFAULT '',
    postcode     text NOT NULL DEFAULT '',
    -- ISO 3166-1 alpha-2, or ''.
    country      text NOT NULL DEFAULT '',
    CHECK (gln <> '' OR code <> ''),
    PRIMARY KEY (customer, location_key)
);
CREATE INDEX locations_gln ON locations (gln) WHERE gln <> '';

CREATE TRIGGER locations_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON locations
    FOR EACH STATEMENT EXECUTE FUNCTION masterdata_bump();

-- +goose Down
DROP TABLE locations;
