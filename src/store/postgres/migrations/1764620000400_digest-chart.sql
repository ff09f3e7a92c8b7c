-- Up Migration
-- The "last 7 days" chart under the digest, chosen in /digest: part of the operator's digest settings, so every
-- replica (and the elected digest sender) reads the same choice. Off for every existing operator. Forward only.
ALTER TABLE operators ADD COLUMN digest_chart boolean NOT NULL DEFAULT false;
