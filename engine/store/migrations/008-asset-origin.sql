-- Assets the chain indexer found (published outside the console with this node as endpoint):
-- {"publisher": "0x…"}; NULL for the console's own assets.
ALTER TABLE assets ADD COLUMN published_elsewhere_json TEXT;
