-- Issue 12: invoices, payment orders and the device's payment key
-- (docs/api.md, "Invoices and payments"). Dates are 'YYYY-MM-DD' text,
-- times unix seconds, money integer cents.

-- The public half of the device session's payment key (base64url, 32
-- bytes); set once per device session.
ALTER TABLE devices ADD COLUMN payment_key TEXT;

-- A payment order: what the user confirms with the PIN. The company's
-- business id and name are kept as they were signed. No reference to the
-- device row: an order outlives the purge of a dead device session.
-- checking_until: a confirmation's signature is being checked (one at a
-- time per order; the hold lapses then if its request died).
CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    business_id TEXT NOT NULL,
    company_name TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_id TEXT NOT NULL,
    total_cents INTEGER NOT NULL,
    currency TEXT NOT NULL,
    nonce TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    confirmed_at INTEGER,
    checking_until INTEGER
);
CREATE INDEX payments_open ON payments(confirmed_at, expires_at);

-- payment_id: the order that holds the invoice (open, expired or
-- confirmed); an expired one counts as none. Deleting an order frees it.
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    supplier TEXT NOT NULL,
    invoice_number TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    currency TEXT NOT NULL,
    due_date TEXT NOT NULL,
    iban TEXT NOT NULL,
    reference TEXT NOT NULL,
    status TEXT NOT NULL,
    status_by TEXT,
    status_at INTEGER,
    reject_reason TEXT,
    payment_id TEXT REFERENCES payments(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX invoices_company_due ON invoices(company_id, due_date);
CREATE INDEX invoices_payment ON invoices(payment_id);

-- An order's lines as they were when it was made (and signed).
CREATE TABLE payment_items (
    payment_id TEXT NOT NULL REFERENCES payments(id) ON DELETE CASCADE,
    item_no INTEGER NOT NULL,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    supplier TEXT NOT NULL,
    iban TEXT NOT NULL,
    reference TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    PRIMARY KEY (payment_id, item_no)
);
CREATE INDEX payment_items_invoice ON payment_items(invoice_id);
