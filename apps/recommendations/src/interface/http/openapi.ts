import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { z } from 'zod';
import { zodToOpenApi } from '@tracker/platform';

/** The OpenAPI 3.0 schema of a zod request schema, for @ApiBody / @ApiQuery. */
export const openApiSchema = (schema: z.ZodType): SchemaObject => zodToOpenApi(schema);
