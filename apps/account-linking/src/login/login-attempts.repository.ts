import { Injectable } from '@nestjs/common';
import { DataSource, LessThan } from 'typeorm';
import { LoginAttemptEntity } from './login-attempt.entity';

/** Login attempts; the only code that touches that table. */
@Injectable()
export class LoginAttemptsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(attempt: LoginAttemptEntity): Promise<void> {
    const repository = this.dataSource.getRepository(LoginAttemptEntity);
    // Abandoned attempts are swept as new ones arrive, so the table stays as small as the traffic.
    await repository.delete({ expiresAt: LessThan(new Date()) });
    await repository.insert(attempt);
  }

  /** Removes and returns the unexpired attempt: a state works once, however many callbacks race. */
  async take(stateHash: string): Promise<LoginAttemptEntity | null> {
    const rows = await this.dataSource.query<[Record<string, unknown>[], number]>(
      `DELETE FROM "account_linking"."login_attempts" WHERE "state_hash" = $1 AND "expires_at" > now()
       RETURNING "state_hash", "connection", "transaction_id", "nonce", "code_verifier_sealed", "expires_at"`,
      [stateHash],
    );
    const row = rows[0][0];
    if (!row) return null;
    return {
      stateHash: row.state_hash as string,
      connection: row.connection as string,
      transactionId: row.transaction_id as string,
      nonce: row.nonce as string,
      codeVerifierSealed: row.code_verifier_sealed as string,
      expiresAt: row.expires_at as Date,
    };
  }
}
