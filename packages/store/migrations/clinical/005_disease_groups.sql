-- Disease groups (疾病グループ) that operators add beside the built-in ones.
-- A definition names codes and ranges only: nothing personal.
CREATE TABLE disease_groups (
  id text PRIMARY KEY,
  name text NOT NULL,
  definition jsonb NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
