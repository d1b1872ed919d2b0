import { z } from 'zod';

/** `POST /internal/v1/login-tickets/redemptions`: the ticket from the browser and issuance's transaction. */
export const loginTicketRedemptionBody = z
  .object({
    ticket: z.string().min(1).max(256),
    transaction: z.string().min(1).max(256),
  })
  .strict();
