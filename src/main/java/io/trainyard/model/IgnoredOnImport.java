package io.trainyard.model;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;

/**
 * Reads a part of an imported model that the service assigns itself (jobId, createdAt, owner,
 * lineage) as nothing, whatever it holds. Read as its type, a document written by another version
 * (a lineage part this one does not know, one without {@code imported}, another time format) was a
 * 400 for a value the import throws away.
 */
final class IgnoredOnImport extends ValueDeserializer<Object> {

    @Override
    public Object deserialize(JsonParser parser, DeserializationContext context) {
        parser.skipChildren();
        return null;
    }
}
