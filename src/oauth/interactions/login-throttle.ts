/** The login throttles live with the accounts services (the API's password checks take from them too). */
export { takeLoginAttempt } from '../../accounts/throttle.js';
