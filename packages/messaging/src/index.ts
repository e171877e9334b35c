// Placeholder entry: the messaging package is being built (outbox, relay, consumers).
export {};
