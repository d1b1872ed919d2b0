import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import { SUPPORTED_ALGS } from '../signing-keys/signing-keys.service';
import { discoveryDocument, type DiscoveryDocument } from './discovery-document';

@Controller('.well-known')
export class DiscoveryController {
  private readonly document: DiscoveryDocument;

  constructor(@Inject(ISSUANCE_CONFIG) config: IssuanceConfig) {
    // Built once: everything in it comes from configuration, which is fixed for the process.
    this.document = discoveryDocument(config.TESSERA_ISSUER, SUPPORTED_ALGS);
  }

  /** OpenID Connect Discovery 1.0 §4. */
  @Get('openid-configuration')
  @Header('cache-control', 'public, max-age=300')
  openidConfiguration(): DiscoveryDocument {
    return this.document;
  }

  /** RFC 8414 §3: the same metadata; express-oauth2-jwt-bearer falls back to it. */
  @Get('oauth-authorization-server')
  @Header('cache-control', 'public, max-age=300')
  authorizationServer(): DiscoveryDocument {
    return this.document;
  }
}
