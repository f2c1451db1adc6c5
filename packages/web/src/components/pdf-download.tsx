/**
 * A link to a PDF the server renders and checks (an exchange's reports and
 * addenda): fetched first, so that a refusal (a record that no longer renders
 * the document signed, 503 document-altered; an item gone, 404) is shown here
 * in the user's language instead of the browser opening an error as a file.
 */
import { Alert, Anchor } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { apiBlob } from '../api.js';
import { errorText } from '../refusal-text.js';

export function PdfDownload({ href, filename, testId, children }: { href: string; filename: string; testId: string; children: ReactNode }) {
  const download = useMutation({
    mutationFn: async () => {
      const { blob } = await apiBlob('GET', href);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    },
  });
  return (
    <>
      <Anchor
        size="sm"
        href={href}
        data-testid={testId}
        onClick={(event) => {
          event.preventDefault();
          download.mutate();
        }}
      >
        {children}
      </Anchor>
      {download.isError && (
        <Alert color="red" py={4} data-testid={`${testId}-error`}>
          {errorText(download.error)}
        </Alert>
      )}
    </>
  );
}
