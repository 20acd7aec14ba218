CREATE TABLE documents (id serial PRIMARY KEY, body text NOT NULL);
CREATE INDEX documents_body ON documents USING gin (to_tsvector('english', body));
