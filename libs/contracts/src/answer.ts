import type { z } from 'zod';

/** A type with every property and array read-only, at every depth. */
export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/**
 * The type of an API answer described by a zod schema (read-only: what a handler returns is never
 * changed afterwards). Handlers' return types are written with it, so the TypeScript compiler checks that
 * what they return is what the OpenAPI document, generated from the same schema, says.
 */
export type AnswerOf<S extends z.ZodType> = DeepReadonly<z.output<S>>;
