/** Body of a 401 for a missing, unknown, expired or revoked access token. */
export const INVALID_TOKEN_BODY = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };

/** Body of a 404 for an unknown shop, API version or path. */
export const NOT_FOUND_BODY = { errors: 'Not Found' };

/** Body of an OAuth endpoint error. */
export function oauthError(error: string, description: string): { error: string; error_description: string } {
  return { error, error_description: description };
}
