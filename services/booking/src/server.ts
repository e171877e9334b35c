// Service entry: being built.
export {};
