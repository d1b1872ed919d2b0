/** A login that cannot go on; the message is shown to the person on the error page (no secrets). */
export class LoginError extends Error {}
