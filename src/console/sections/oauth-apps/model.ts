/** An OAuth client as the management API answers. */
export interface ClientJson {
  client_id: string;
  name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  public: boolean;
  scope: string;
  permissions: string[];
  created_at: string;
  /** only when created or re-keyed */
  client_secret?: string;
}

export const WRITE = 'clients:write';

export const GRANTS: Array<[string, string]> = [
  ['authorization_code', 'Authorization code (sign people in)'],
  ['refresh_token', 'Refresh tokens'],
  ['client_credentials', 'Client credentials (the app acts for itself)'],
];
