import { z } from 'zod';
import { metadataSchema } from '../management/metadata';

/** `PATCH /api/v2/sessions/{id}`: the metadata replaces what the session had (null or {} clears it). */
export const updateSessionBody = z.object({ session_metadata: metadataSchema.optional() }).strict();
export type UpdateSessionBody = z.output<typeof updateSessionBody>;
