import { Skeleton, Stack } from '@mantine/core';

/** The loading state of every patient screen: the shape of what is coming, not a spinner. */
export function PatientSkeleton({ rows = 6 }: { rows?: number }) {
  return (
    <Stack gap={6} data-testid="loading" aria-busy="true">
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} height={18} width={i === 0 ? '40%' : '100%'} />
      ))}
    </Stack>
  );
}
