import { Inject, Injectable } from '@nestjs/common';
import {
  clientCreated,
  clientDeleted,
  clientUpdated,
  TOPICS,
  type EventContext,
  type TokenEndpointAuthMethod,
} from '@app/contracts';
import { OutboundNetworkPolicy } from '@app/http';
import { invalidBody, notFound, pageOf, pageWindow, type Pagination } from '@app/management';
import { Outbox } from '@app/outbox';
import { sha256Hex } from '@app/secrets';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import { ConfigurationLookup } from '../lookup/configuration-lookup';
import type { ClientEntity } from './client.entity';
import { newClientId, newClientSecret, toClientPublicKey } from './client-credentials';
import type { AppType, CreateClientBody, ListClientsQuery, UpdateClientBody } from './client.schemas';
import { DEFAULT_REFRESH_TOKEN_SETTINGS, type RefreshTokenSettings } from './client-settings';
import { toClientView, type ClientView } from './client.view';
import { ClientsRepository } from './clients.repository';
import { clientEvent } from './client-events';
import { mergeDelegationPolicy, mergeTokenExchangePolicy } from './exchange-policy';

/** Auth0's defaults by application type: public apps have no secret method and no client credentials. */
const DEFAULTS_BY_APP_TYPE: Record<AppType, { method: TokenEndpointAuthMethod; grantTypes: string[] }> = {
  non_interactive: { method: 'client_secret_post', grantTypes: ['client_credentials'] },
  regular_web: {
    method: 'client_secret_post',
    grantTypes: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
  },
  spa: { method: 'none', grantTypes: ['authorization_code', 'implicit', 'refresh_token'] },
  native: { method: 'none', grantTypes: ['authorization_code', 'implicit', 'refresh_token'] },
};

const CLIENT_NOT_FOUND = () => notFound('The client does not exist', 'inexistent_client');

/**
 * The Management API's rules for clients (`/api/v2/clients`). Every change is written with its
 * `client.*` event in one transaction (outbox), and forgotten by this instance's lookup cache at once.
 */
@Injectable()
export class ClientsManagementService {
  private readonly backchannelPolicy: OutboundNetworkPolicy;

  constructor(
    private readonly repository: ClientsRepository,
    private readonly lookup: ConfigurationLookup,
    private readonly outbox: Outbox,
    @Inject(ISSUANCE_CONFIG) config: IssuanceConfig,
  ) {
    this.backchannelPolicy = new OutboundNetworkPolicy(
      config.TESSERA_BACKCHANNEL_LOGOUT_ALLOW_PRIVATE_NETWORKS,
    );
  }

  /**
   * The back-channel logout URLs of a body, checked against the network policy the deliveries obey
   * (a URL no delivery could reach is a 400 now, not a silent give-up later); undefined if absent.
   */
  private backchannelUrls(oidcLogout: CreateClientBody['oidc_logout']): string[] | undefined {
    if (oidcLogout === undefined) return undefined;
    oidcLogout.backchannel_logout_urls.forEach((url, index) => {
      const problem = this.backchannelPolicy.urlProblem(url);
      if (problem !== null) {
        throw invalidBody(`'The URL ${problem}' on property oidc_logout.backchannel_logout_urls[${index}].`);
      }
    });
    return unique(oidcLogout.backchannel_logout_urls);
  }

  async create(body: CreateClientBody, context: EventContext): Promise<ClientView> {
    const appType = body.app_type ?? 'regular_web';
    const defaults = DEFAULTS_BY_APP_TYPE[appType];
    // Every client gets a secret, as in Auth0; a public (`none`) client simply never presents it.
    const secret = newClientSecret();
    const now = new Date();
    const client: ClientEntity = {
      clientId: newClientId(),
      name: body.name,
      appType,
      isFirstParty: body.is_first_party ?? true,
      tokenEndpointAuthMethod: body.token_endpoint_auth_method ?? defaults.method,
      secretDigests: [sha256Hex(secret)],
      grantTypes: unique(body.grant_types ?? defaults.grantTypes),
      callbacks: unique(body.callbacks ?? []),
      allowedLogoutUrls: unique(body.allowed_logout_urls ?? []),
      logoutRevokesRefreshTokens: body.logout_revokes_refresh_tokens ?? false,
      backchannelLogoutUrls: this.backchannelUrls(body.oidc_logout) ?? [],
      jwtAlg: body.jwt_configuration?.alg ?? 'RS256',
      refreshToken: body.refresh_token ? mergeRefreshToken(null, body.refresh_token) : null,
      publicKeys: readPublicKeys(body.client_authentication_methods) ?? [],
      revocationDeletesGrant: body.revoke_refresh_token_grant ?? true,
      tokenExchange: body.token_exchange ? mergeTokenExchangePolicy(null, body.token_exchange) : null,
      delegation: body.delegation ? mergeDelegationPolicy(null, body.delegation) : null,
      createdAt: now,
      updatedAt: now,
    };
    checkConsistency(client);
    await this.outbox.transaction(async (manager) => {
      await this.repository.save(manager, client);
      return { result: undefined, events: [clientEvent(clientCreated, client, context)] };
    });
    return toClientView(client, secret);
  }

  async list(query: ListClientsQuery) {
    const [clients, total] = await this.repository.list(
      { appTypes: query.app_type, isFirstParty: query.is_first_party },
      pageWindow(query),
    );
    return pageOf(
      'clients',
      clients.map((client) => toClientView(client)),
      total,
      query as Pagination,
    );
  }

  async get(clientId: string): Promise<ClientView> {
    return toClientView(await this.find(clientId));
  }

  async update(clientId: string, body: UpdateClientBody, context: EventContext): Promise<ClientView> {
    const updated = await this.outbox.transaction(async (manager) => {
      const existing = await this.find(clientId, manager);
      const client: ClientEntity = {
        ...existing,
        name: body.name ?? existing.name,
        appType: body.app_type ?? existing.appType,
        isFirstParty: body.is_first_party ?? existing.isFirstParty,
        tokenEndpointAuthMethod: body.token_endpoint_auth_method ?? existing.tokenEndpointAuthMethod,
        grantTypes: body.grant_types ? unique(body.grant_types) : existing.grantTypes,
        callbacks: body.callbacks ? unique(body.callbacks) : existing.callbacks,
        allowedLogoutUrls: body.allowed_logout_urls
          ? unique(body.allowed_logout_urls)
          : existing.allowedLogoutUrls,
        logoutRevokesRefreshTokens: body.logout_revokes_refresh_tokens ?? existing.logoutRevokesRefreshTokens,
        backchannelLogoutUrls: this.backchannelUrls(body.oidc_logout) ?? existing.backchannelLogoutUrls,
        jwtAlg: body.jwt_configuration?.alg ?? existing.jwtAlg,
        refreshToken: body.refresh_token
          ? mergeRefreshToken(existing.refreshToken, body.refresh_token)
          : existing.refreshToken,
        publicKeys: readPublicKeys(body.client_authentication_methods) ?? existing.publicKeys,
        revocationDeletesGrant: body.revoke_refresh_token_grant ?? existing.revocationDeletesGrant,
        tokenExchange: body.token_exchange
          ? mergeTokenExchangePolicy(existing.tokenExchange, body.token_exchange)
          : existing.tokenExchange,
        delegation: body.delegation
          ? mergeDelegationPolicy(existing.delegation, body.delegation)
          : existing.delegation,
        updatedAt: new Date(),
      };
      checkConsistency(client);
      await this.repository.save(manager, client);
      return { result: client, events: [clientEvent(clientUpdated, client, context)] };
    });
    this.lookup.forgetClient(clientId);
    return toClientView(updated);
  }

  /** A new secret replaces the old one at once: the old secret stops authenticating. */
  async rotateSecret(clientId: string, context: EventContext): Promise<ClientView> {
    const secret = newClientSecret();
    const updated = await this.outbox.transaction(async (manager) => {
      const existing = await this.find(clientId, manager);
      const client: ClientEntity = { ...existing, secretDigests: [sha256Hex(secret)], updatedAt: new Date() };
      await this.repository.save(manager, client);
      return { result: client, events: [clientEvent(clientUpdated, client, context)] };
    });
    this.lookup.forgetClient(clientId);
    return toClientView(updated, secret);
  }

  async delete(clientId: string, context: EventContext): Promise<void> {
    await this.outbox.transaction(async (manager) => {
      if (!(await this.repository.delete(manager, clientId))) throw CLIENT_NOT_FOUND();
      const event = clientDeleted.create({ client_id: clientId }, context);
      return { result: undefined, events: [{ topic: TOPICS.clients.name, key: clientId, event }] };
    });
    this.lookup.forgetClient(clientId);
  }

  private async find(clientId: string, manager?: Parameters<ClientsRepository['findById']>[1]) {
    const client = clientId.length <= 256 ? await this.repository.findById(clientId, manager) : null;
    if (!client) throw CLIENT_NOT_FOUND();
    return client;
  }
}

function readPublicKeys(methods: CreateClientBody['client_authentication_methods']) {
  return methods?.private_key_jwt.credentials.map((credential, index) =>
    toClientPublicKey(credential, index),
  );
}

/** Rules that span fields, checked on the client as it will be stored (after a PATCH is merged). */
function checkConsistency(client: ClientEntity): void {
  if (client.tokenEndpointAuthMethod === 'private_key_jwt' && client.publicKeys.length === 0) {
    throw invalidBody(
      `'private_key_jwt needs at least one public key' on property client_authentication_methods.private_key_jwt.credentials.`,
    );
  }
  if (client.tokenEndpointAuthMethod === 'none' && client.grantTypes.includes('client_credentials')) {
    throw invalidBody(
      `'The client_credentials grant is not allowed for public clients (token_endpoint_auth_method none)' on property grant_types.`,
    );
  }
  const refresh = client.refreshToken;
  if (!refresh) return;
  // Auth0: rotation requires an expiration, and the idle lifetime may not exceed the absolute one.
  if (refresh.rotation_type === 'rotating' && refresh.expiration_type !== 'expiring') {
    throw invalidBody(
      `'Rotating refresh tokens must be expiring' on property refresh_token.expiration_type.`,
    );
  }
  if (
    !refresh.infinite_token_lifetime &&
    !refresh.infinite_idle_token_lifetime &&
    refresh.idle_token_lifetime > refresh.token_lifetime
  ) {
    throw invalidBody(
      `'idle_token_lifetime must not exceed token_lifetime' on property refresh_token.idle_token_lifetime.`,
    );
  }
}

function mergeRefreshToken(
  current: RefreshTokenSettings | null,
  change: Partial<RefreshTokenSettings>,
): RefreshTokenSettings {
  return { ...(current ?? DEFAULT_REFRESH_TOKEN_SETTINGS), ...change };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
