import { Controller, Get, Header } from '@nestjs/common';
import { SigningKeysService } from './signing-keys.service';

@Controller('.well-known')
export class JwksController {
  constructor(private readonly signingKeys: SigningKeysService) {}

  /** Next, current and previous public keys, so validators learn a key before it signs (DESIGN §3). */
  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=60')
  jwks() {
    return this.signingKeys.jwks();
  }
}
