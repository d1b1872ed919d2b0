import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  conflict,
  invalidBody,
  ManagementError,
  notFound,
  pageOf,
  pageWindow,
  validate,
} from '@app/management';
import { SecretBox } from '@app/secrets';
import { z } from 'zod';
import { invalidUri } from '../management/path-validation';
import { DATABASE_CONNECTION_NAME, DATABASE_CONNECTION_OPTIONS } from './database-connection';
import type { ConnectionEntity } from './connection.entity';
import {
  oidcOptions,
  oidcOptionsUnder,
  type CreateConnectionBody,
  type ListConnectionsQuery,
  type UpdateConnectionBody,
} from './connection.schemas';
import { OutboundNetworkPolicy } from '@app/http';
import type { UpstreamProvider } from '../upstream/upstream-provider';
import { toConnectionView, type ConnectionView } from './connection.view';
import { ConnectionsRepository } from './connections.repository';

export const CONNECTION_SECRET_BOX = Symbol('CONNECTION_SECRET_BOX');

const CONNECTION_ID = /^con_[A-Za-z0-9]{16}$/;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const CONNECTION_NOT_FOUND = () => notFound('The connection does not exist', 'inexistent_connection');

/** `con_` + 16 alphanumerics, as Auth0 writes connection ids. */
function newConnectionId(): string {
  const bytes = randomBytes(16);
  return `con_${[...bytes].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('')}`;
}

/**
 * The Management API's rules for connections (`/api/v2/connections`), and the built-in database
 * connection, created at start if it is missing.
 */
@Injectable()
export class ConnectionsService implements OnApplicationBootstrap {
  constructor(
    private readonly repository: ConnectionsRepository,
    @Inject(CONNECTION_SECRET_BOX) private readonly secrets: SecretBox,
    private readonly networkPolicy: OutboundNetworkPolicy,
  ) {}

  /** Idempotent, and safe when several instances start at once (INSERT … ON CONFLICT DO NOTHING). */
  async onApplicationBootstrap(): Promise<void> {
    const now = new Date();
    await this.repository.insertIfAbsent({
      id: newConnectionId(),
      name: DATABASE_CONNECTION_NAME,
      strategy: 'auth0',
      displayName: null,
      options: { ...DATABASE_CONNECTION_OPTIONS },
      clientSecretSealed: null,
      enabledClients: [],
      enabledForAllClients: true,
      realms: [DATABASE_CONNECTION_NAME],
      createdAt: now,
      updatedAt: now,
    });
  }

  /**
   * Whether `clientId` may log in through the connection named `name` (security review #13): an
   * unknown connection serves no one.
   */
  async isEnabledFor(name: string, clientId: string): Promise<boolean> {
    const connection = await this.repository.findByName(name);
    return connection !== null && servesClient(connection, clientId);
  }

  /** The connection named `name`, or null. */
  findByName(name: string): Promise<ConnectionEntity | null> {
    return this.repository.findByName(name);
  }

  /** The connection with this id, or null (also for a string that cannot be a connection id). */
  async findById(id: string): Promise<ConnectionEntity | null> {
    return CONNECTION_ID.test(id) ? this.repository.findById(id) : null;
  }

  /** The upstream provider behind an `oidc` connection, its client secret unsealed; null otherwise. */
  upstreamProviderOf(connection: ConnectionEntity): UpstreamProvider | null {
    if (connection.strategy !== 'oidc') return null;
    const parsed = oidcOptions.safeParse(connection.options);
    if (!parsed.success) return null;
    const { issuer, discovery_url: discoveryUrl, client_id: clientId, scopes } = parsed.data;
    return {
      connection: connection.name,
      issuer,
      // OpenID Connect Discovery §4: the issuer (trailing slash removed) + /.well-known/openid-configuration.
      discoveryUrl: discoveryUrl ?? `${issuer!.replace(/\/$/, '')}/.well-known/openid-configuration`,
      clientId,
      clientSecret:
        connection.clientSecretSealed !== null
          ? this.secrets.decrypt(connection.clientSecretSealed, connection.id)
          : undefined,
      scopes,
    };
  }

  async create(body: CreateConnectionBody): Promise<ConnectionView> {
    if (body.strategy === 'auth0') {
      throw new ManagementError(
        400,
        `Only one database connection is supported: ${DATABASE_CONNECTION_NAME}`,
        'operation_not_supported',
      );
    }
    const id = newConnectionId();
    const now = new Date();
    const { options, sealedSecret } = this.readOidcOptions(id, body.options ?? {}, null);
    const connection: ConnectionEntity = {
      id,
      name: body.name,
      strategy: 'oidc',
      displayName: body.display_name ?? null,
      options,
      clientSecretSealed: sealedSecret,
      enabledClients: unique(body.enabled_clients ?? []),
      enabledForAllClients: false,
      realms: unique(body.realms ?? [body.name]),
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.repository.insertIfAbsent(connection))) {
      throw conflict('A connection with the same name already exists', 'connection_conflict');
    }
    return toConnectionView(connection);
  }

  async list(query: ListConnectionsQuery) {
    const [connections, total] = await this.repository.list(
      { strategy: query.strategy, name: query.name },
      pageWindow(query),
    );
    return pageOf('connections', connections.map(toConnectionView), total, query);
  }

  async get(id: string): Promise<ConnectionView> {
    return toConnectionView(await this.find(id));
  }

  async update(id: string, body: UpdateConnectionBody): Promise<ConnectionView> {
    const updated = await this.repository.transaction(async (manager) => {
      const existing = await this.find(id, manager);
      let { options, clientSecretSealed } = existing;
      if (body.options !== undefined) {
        if (existing.strategy === 'auth0') {
          throw invalidBody(
            `'The options of the database connection cannot be changed' on property options.`,
          );
        }
        const read = this.readOidcOptions(existing.id, body.options, existing.clientSecretSealed);
        options = read.options;
        clientSecretSealed = read.sealedSecret;
      }
      const connection: ConnectionEntity = {
        ...existing,
        options,
        clientSecretSealed,
        displayName: body.display_name ?? existing.displayName,
        enabledClients: body.enabled_clients ? unique(body.enabled_clients) : existing.enabledClients,
        // Once a list is set, it is the list, for the database connection too.
        enabledForAllClients: body.enabled_clients ? false : existing.enabledForAllClients,
        realms: body.realms ? unique(body.realms) : existing.realms,
        updatedAt: new Date(),
      };
      await this.repository.save(manager, connection);
      return connection;
    });
    return toConnectionView(updated);
  }

  async delete(id: string): Promise<void> {
    await this.repository.transaction(async (manager) => {
      const existing = await this.find(id, manager);
      // Every database user belongs to it: deleting it would orphan them.
      if (existing.strategy === 'auth0') {
        throw new ManagementError(
          400,
          `The database connection ${DATABASE_CONNECTION_NAME} cannot be deleted`,
          'operation_not_supported',
        );
      }
      await this.repository.delete(manager, existing.id);
    });
  }

  private async find(id: string, manager?: Parameters<ConnectionsRepository['findById']>[1]) {
    if (!CONNECTION_ID.test(id)) throw invalidUri('id', 'The id of the connection');
    const connection = await this.repository.findById(id, manager);
    if (!connection) throw CONNECTION_NOT_FOUND();
    return connection;
  }

  /**
   * Validates oidc options and seals the client secret with the connection id as associated data.
   * Without a new `client_secret`, the stored one is kept: responses never show it, so a caller that
   * PATCHes the options it read back would otherwise erase it.
   */
  private readOidcOptions(id: string, raw: Record<string, unknown>, currentSealed: string | null) {
    const result = validate(z.object({ options: oidcOptionsUnder(this.networkPolicy) }), { options: raw });
    if (!result.ok) throw invalidBody(result.problem);
    const { client_secret: secret, ...options } = result.value.options;
    const sealedSecret = secret !== undefined ? this.secrets.encrypt(secret, id) : currentSealed;
    return { options: options as Record<string, unknown>, sealedSecret };
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Auth0's rule: a connection serves the clients in its `enabled_clients`, and no other. */
export function servesClient(connection: ConnectionEntity, clientId: string): boolean {
  return connection.enabledForAllClients || connection.enabledClients.includes(clientId);
}
