/**
 * A playback session on a live site's edge, opened the way a subscriber's app opens one: an
 * entitlement from the GraphQL API (`issueEntitlement`, as an operator or a partner app with
 * the scope), then POST /sessions on the site's edge with it, which answers the signed prefix
 * the player's URLs go under. Used by `npm run play` and by `npm start` to print a URL that plays.
 */

export interface PlaybackSession {
  site: string;
  title: string;
  /** The HLS master playlist (AES-128, keys through the site's license proxy). */
  hlsUrl: string;
  expiresAt: string;
}

const ISSUE = `mutation Play($namespace: String!, $title: String!, $site: String!, $subscriber: String!, $ttl: Int) {
  issueEntitlement(namespace: $namespace, title: $title, site: $site, subscriber: $subscriber, ttlSeconds: $ttl) {
    __typename
    ... on MutationIssueEntitlementSuccess { data { token expiresAt } }
    ... on Error { message }
  }
}`;

interface IssueAnswer {
  data?: {
    issueEntitlement?: { __typename: string; message?: string; data?: { token: string; expiresAt: string } };
  };
  errors?: { message: string }[];
}

export async function openPlaybackSession(o: {
  apiUrl: string;
  /** A staff (operator) or partner bearer token for the API. */
  bearer: string;
  namespace: string;
  site: string;
  edgeUrl: string;
  title: string;
  subscriber: string;
  ttlSeconds?: number;
}): Promise<PlaybackSession> {
  const answer = await fetch(o.apiUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${o.bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      query: ISSUE,
      variables: {
        namespace: o.namespace,
        title: o.title,
        site: o.site,
        subscriber: o.subscriber,
        ttl: o.ttlSeconds,
      },
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await answer.json()) as IssueAnswer;
  const issued = body.data?.issueEntitlement;
  if (!issued?.data) {
    throw new Error(
      `the API issued no entitlement: ${issued?.message ?? body.errors?.map((e) => e.message).join('; ') ?? answer.status}`,
    );
  }
  const opened = await fetch(`${o.edgeUrl}/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${issued.data.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: o.title }),
    signal: AbortSignal.timeout(10_000),
  });
  const session = (await opened.json()) as { prefix?: string; error?: string; message?: string };
  if (opened.status !== 201 || !session.prefix) {
    throw new Error(
      `the edge of ${o.site} opened no session (${opened.status} ${session.error ?? ''}): ${session.message ?? ''}`,
    );
  }
  const base = `${o.edgeUrl}${session.prefix}/${o.title}`;
  return {
    site: o.site,
    title: o.title,
    hlsUrl: `${base}/hls/master.m3u8`,
    expiresAt: issued.data.expiresAt,
  };
}
