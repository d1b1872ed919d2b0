import { Inject, Injectable } from '@nestjs/common';
import { consentGranted, managementAudience, originFields, TOPICS, type EventContext } from '@app/contracts';
import type { OAuthParams } from '@app/oauth';
import { Outbox } from '@app/outbox';
import { matchesAnyDigest, randomToken, sha256Hex } from '@app/secrets';
import type { ClientEntity } from '../../clients/client.entity';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../../config/issuance.config';
import { ConfigurationLookup } from '../../lookup/configuration-lookup';
import { grantedUserScopes } from '../../token/user-scopes';
import { redirectWith, type AuthorizeRequest } from '../authorize-request';
import { renderErrorPage } from '../login-page';
import type { LoginSession } from '../login-sessions.repository';
import { renderConsentPage } from './consent-page';
import { ConsentPromptsRepository, type ConsentPrompt } from './consent-prompts.repository';
import { consentAudience, describeScopes, scopesToConsent } from './consent-scopes';
import { ConsentsRepository } from './consents.repository';

/** As long as a login transaction: the user reads the page and answers. */
const PROMPT_LIFETIME_SECONDS = 600;
const EXPIRED =
  'This consent request has expired or was already answered. Go back to the application and sign in again.';
/** Our own random tokens (base64url): anything else — NUL bytes included — never reaches PostgreSQL. */
const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

/** What the consent page's answer leads to. */
export type ConsentAnswer =
  | { readonly kind: 'page'; readonly status: number; readonly html: string }
  | { readonly kind: 'redirect'; readonly location: string }
  /** The user consented: the request may get its code now, for this session. */
  | { readonly kind: 'accepted'; readonly request: AuthorizeRequest; readonly session: LoginSession };

const refusal = (status: number, message: string): ConsentAnswer => ({
  kind: 'page',
  status,
  html: renderErrorPage(message),
});

/**
 * User consent for third-party clients (security review #9, Auth0's "User consent and third-party
 * applications"): a client with `is_first_party: false` gets a code only for the scopes the user has
 * consented to, per audience; first-party clients never ask (Auth0 skips consent for them). Consents
 * are grants: each is announced on the audit stream (`consent.granted`), listed by revocation's
 * `/api/v2/grants`, and withdrawn by deleting that grant.
 */
@Injectable()
export class ConsentService {
  private readonly issuer: string;

  constructor(
    private readonly lookup: ConfigurationLookup,
    private readonly consents: ConsentsRepository,
    private readonly prompts: ConsentPromptsRepository,
    private readonly outbox: Outbox,
    @Inject(ISSUANCE_CONFIG) config: IssuanceConfig,
  ) {
    this.issuer = config.TESSERA_ISSUER;
  }

  /**
   * Before a code is issued for a session: null when it may be, else where the browser goes instead —
   * the consent page, or `consent_required` for `prompt=none` (OIDC Core §3.1.2.6). Only the scopes
   * not consented yet are asked for.
   */
  async promptIfNeeded(
    request: AuthorizeRequest,
    session: LoginSession,
    now: number,
  ): Promise<string | null> {
    const client = await this.lookup.client(request.clientId);
    // An unknown client here was deleted since /authorize: its code cannot be exchanged anyway.
    if (!client || client.isFirstParty) return null;
    const { audience, scopes } = await this.asked(request, client);
    const consent = await this.consents.find(session.userId, client.clientId, audience);
    const missing = scopesToConsent(scopes, consent?.scopes ?? null);
    if (missing === null) return null;
    if (request.prompt === 'none') {
      return redirectWith(request.redirectUri, {
        error: 'consent_required',
        error_description: 'Consent required',
        state: request.state,
      });
    }
    const prompt: ConsentPrompt = {
      id: randomToken(16),
      request,
      userId: session.userId,
      sessionDigest: sha256Hex(session.id),
      audience,
      scopes: missing,
      csrfDigest: null,
      expiresAt: now + PROMPT_LIFETIME_SECONDS,
    };
    await this.prompts.insert(prompt);
    const page = new URL('u/consent', this.issuer);
    page.searchParams.set('state', prompt.id);
    return page.toString();
  }

  /** `GET /u/consent?state=…`: the page, for the session that was asked only; a fresh CSRF token each time. */
  async page(
    promptId: string | undefined,
    session: LoginSession | null,
  ): Promise<Extract<ConsentAnswer, { kind: 'page' }>> {
    const prompt = await this.promptOf(promptId, session);
    if (!prompt) return { kind: 'page', status: 400, html: renderErrorPage(EXPIRED) };
    const client = await this.lookup.client(prompt.request.clientId);
    const api =
      prompt.request.audience === undefined
        ? null
        : await this.lookup.resourceServer(prompt.request.audience);
    const csrf = randomToken(32);
    await this.prompts.bindCsrf(prompt.id, sha256Hex(csrf));
    return {
      kind: 'page',
      status: 200,
      html: renderConsentPage({
        clientName: client?.name ?? 'An application',
        apiName: api?.name ?? null,
        scopes: describeScopes(prompt.scopes, api),
        promptId: prompt.id,
        csrf,
      }),
    };
  }

  /**
   * `POST /u/consent`: the answer, counted once. Deny is Auth0's `access_denied`; accept adds the asked
   * scopes to the user's consent (and tells the audit stream) in one transaction.
   */
  async answer(
    params: OAuthParams,
    session: LoginSession | null,
    context: EventContext,
  ): Promise<ConsentAnswer> {
    const prompt = await this.promptOf(params.get('state'), session);
    const csrf = params.get('csrf');
    if (
      !session ||
      !prompt ||
      prompt.csrfDigest === null ||
      csrf === undefined ||
      !TOKEN.test(csrf) ||
      !matchesAnyDigest(csrf, [prompt.csrfDigest])
    ) {
      return refusal(403, EXPIRED);
    }
    const action = params.get('action');
    if (action !== 'accept' && action !== 'deny') return refusal(400, 'Choose Accept or Decline.');
    if (!(await this.prompts.take(prompt.id))) return refusal(403, EXPIRED);
    const { request } = prompt;
    if (action === 'deny') {
      return {
        kind: 'redirect',
        location: redirectWith(request.redirectUri, {
          error: 'access_denied',
          error_description: 'User did not authorize the request',
          state: request.state,
        }),
      };
    }
    const now = Math.floor(Date.now() / 1000);
    await this.outbox.transaction(async (manager) => {
      const consent = await this.consents.grant(
        manager,
        {
          id: `cgr_${randomToken(16)}`,
          userId: prompt.userId,
          clientId: request.clientId,
          audience: prompt.audience,
          scopes: prompt.scopes,
        },
        now,
      );
      const event = consentGranted.create(
        {
          grant_id: consent.id,
          client_id: consent.clientId,
          user_id: consent.userId,
          audience: consent.audience,
          scope: consent.scopes.join(' '),
          granted_at: now,
          ...originFields(context.origin),
        },
        context,
      );
      // DESIGN §5: grant events are keyed by grant id.
      return { result: undefined, events: [{ topic: TOPICS.tokensIssued.name, key: consent.id, event }] };
    });
    return { kind: 'accepted', request, session };
  }

  /** The pending prompt, if this browser's session is the one it was made for. */
  private async promptOf(
    promptId: string | undefined,
    session: LoginSession | null,
  ): Promise<ConsentPrompt | null> {
    if (promptId === undefined || !TOKEN.test(promptId) || !session) return null;
    const prompt = await this.prompts.find(promptId, Math.floor(Date.now() / 1000));
    if (!prompt || prompt.userId !== session.userId) return null;
    return matchesAnyDigest(session.id, [prompt.sessionDigest]) ? prompt : null;
  }

  /** The audience the consent is kept under and the scopes a token would get (what the exchange grants). */
  private async asked(
    request: AuthorizeRequest,
    client: ClientEntity,
  ): Promise<{ audience: string; scopes: string[] }> {
    const api = request.audience === undefined ? null : await this.lookup.resourceServer(request.audience);
    const scopes = grantedUserScopes(request.scope, {
      api,
      clientMayRefresh: client.grantTypes.includes('refresh_token'),
      managementAudience: managementAudience(this.issuer),
    });
    return { audience: consentAudience(request.audience, this.issuer), scopes };
  }
}
