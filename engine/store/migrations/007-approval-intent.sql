-- Publisher control (issue 12): an approval on chain is written down before its setMetaData is
-- sent, so a restart can finish it. `on_chain_json` holds the attempt: the pinned trust entry, when
-- it began, the tx hash once known, and (after a restart found no tx on chain) why it was dropped.
ALTER TABLE access_requests ADD COLUMN on_chain_json TEXT;
