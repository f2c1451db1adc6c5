import { useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect } from 'react';
import { api, ApiError } from '../api.js';

/** The open patient access of the screen, and how a query tells the screen that it has ended. */
export const PatientAccessContext = createContext<{ accessId: string; ended: () => void }>({ accessId: '', ended: () => undefined });

/** Every query of one patient's records is under this key, so that all of them go at once when the access ends. */
export const patientKey = (accessId: string, ...rest: unknown[]) => ['patient', accessId, ...rest];

/** The server answers an expired, revoked or withdrawn access as not found (401: the session itself ended). */
export const isAccessEnded = (error: unknown) => error instanceof ApiError && (error.status === 404 || error.status === 401);

/**
 * A GET of the open patient's records. When the server says the access has
 * ended, the screen is told, and it drops every record of the patient it holds.
 */
export function usePatientQuery<T>(key: unknown[], path: string, options: Omit<UseQueryOptions<T>, 'queryKey' | 'queryFn'> = {}) {
  const { accessId, ended } = useContext(PatientAccessContext);
  const query = useQuery<T>({ queryKey: patientKey(accessId, ...key), queryFn: () => api<T>('GET', `/api/patient-access/${accessId}${path}`), ...options });
  const failedOnEnd = query.isError && isAccessEnded(query.error);
  useEffect(() => {
    if (failedOnEnd) ended();
  }, [failedOnEnd, ended]);
  return query;
}

/** Drops everything the browser holds of the patient: nothing stays on screen or in memory from before the end. */
export function useForgetPatient(accessId: string) {
  const queryClient = useQueryClient();
  return useCallback(() => queryClient.removeQueries({ queryKey: patientKey(accessId) }), [queryClient, accessId]);
}
