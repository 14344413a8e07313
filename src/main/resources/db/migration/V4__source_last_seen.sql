-- The dashboard shows when each source last reported: one index probe per source.
CREATE INDEX raw_events_source_received_at ON raw_events (source, received_at);
