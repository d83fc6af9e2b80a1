-- The demo shop of shop-schema.sql on a MariaDB source (./tidemark run --source mariadb), in MariaDB's SQL.
-- JSON is MariaDB's alias of LONGTEXT with a json_valid check, so Debezium publishes the payload as a string,
-- which the outbox router expands as it does PostgreSQL's jsonb.
CREATE TABLE IF NOT EXISTS orders (
  id         bigint        AUTO_INCREMENT PRIMARY KEY,
  customer   varchar(100)  NOT NULL,
  status     varchar(20)   NOT NULL,
  amount     decimal(12,2) NOT NULL,
  created_at timestamp(6)  NOT NULL DEFAULT current_timestamp(6),
  updated_at timestamp(6)  NOT NULL DEFAULT current_timestamp(6)
);

CREATE TABLE IF NOT EXISTS outbox (
  id            char(36)     PRIMARY KEY,
  aggregatetype varchar(255) NOT NULL,
  aggregateid   varchar(255) NOT NULL,
  type          varchar(255) NOT NULL,
  payload       json,
  created_at    timestamp(6) NOT NULL DEFAULT current_timestamp(6)
);
