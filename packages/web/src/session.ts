import type { Me } from '@renkei/api';
import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from './api.js';

/** The logged-in user and terminal; null when no one is logged in. */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        return await api<Me>('GET', '/api/me');
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
  });
}

export interface TerminalInfo {
  name: string;
  facilityCode: string;
  demo: boolean;
}

/** The terminal this browser is, before anyone logs in. */
export function useTerminal() {
  return useQuery({ queryKey: ['terminal'], queryFn: () => api<TerminalInfo>('GET', '/api/terminal') });
}
