import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';

/** The JSON schema of a zod request schema, for @ApiBody / @ApiQuery. */
export const openApiSchema = (schema: z.ZodType): SchemaObject =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as SchemaObject;
