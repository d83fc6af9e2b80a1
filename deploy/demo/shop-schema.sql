-- The demo shop: orders, and the transactional outbox its application writes in the same transaction.
-- Applied to the source database by the local stack and by docker-compose's PostgreSQL init.
CREATE TABLE IF NOT EXISTS orders (
  id         bigserial PRIMARY KEY,
  customer   text          NOT NULL,
  status     text          NOT NULL,
  amount     numeric(12,2) NOT NULL,
  created_at timestamptz   NOT NULL DEFAULT now(),
  updated_at timestamptz   NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS outbox (
  id            uuid        PRIMARY KEY,
  aggregatetype text        NOT NULL,
  aggregateid   text        NOT NULL,
  type          text        NOT NULL,
  payload       jsonb,
  created_at    timestamptz NOT NULL DEFAULT now()
);
