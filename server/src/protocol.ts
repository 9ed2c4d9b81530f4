/**
 * Custom requests and notifications shared by the client and the server. The
 * client imports nothing else from the server.
 */
export const LANGUAGE_IDS = ['iptables-save', 'iptables-listing'] as const;
