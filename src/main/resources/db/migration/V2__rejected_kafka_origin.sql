-- Where a rejected Kafka record came from, so it can be found and replayed.
ALTER TABLE rejected_events
    ADD COLUMN topic        text,
    ADD COLUMN partition_id integer,
    ADD COLUMN kafka_offset bigint;
CREATE INDEX rejected_events_kafka_origin ON rejected_events (topic, partition_id, kafka_offset) WHERE topic IS NOT NULL;
