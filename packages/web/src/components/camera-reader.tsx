import { Alert, Box } from '@mantine/core';
import jsQR from 'jsqr';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Reads a QR code from the camera (the back camera on a tablet) and hands over its text once. */
export function CameraReader({ onRead }: { onRead: (text: string) => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stream: MediaStream | undefined;
    let timer: number | undefined;
    let done = false;
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });
    const scan = () => {
      const v = video.current;
      if (!done && v && context && v.readyState >= 2 && v.videoWidth > 0) {
        canvas.width = v.videoWidth;
        canvas.height = v.videoHeight;
        context.drawImage(v, 0, 0);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const code = jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
        if (code?.data) {
          done = true;
          onRead(code.data);
          return;
        }
      }
      timer = window.setTimeout(scan, 150);
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' } })
      .then((s) => {
        stream = s;
        if (video.current) {
          video.current.srcObject = s;
          void video.current.play();
        }
        scan();
      })
      .catch((e: unknown) => setError(cameraMessage(e, t)));
    return () => {
      done = true;
      window.clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [onRead, t]);

  if (error)
    return (
      <Alert color="orange" data-testid="camera-error">
        {error}
      </Alert>
    );
  return (
    <Box>
      <video ref={video} muted playsInline style={{ width: '100%', maxWidth: 420, borderRadius: 4 }} data-testid="camera-video" />
    </Box>
  );
}

/** The browser's camera errors in the user's language, each saying what to do (the browser's own text is English). */
function cameraMessage(error: unknown, t: (key: string) => string): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return t('card.cameraNotFound');
  if (name === 'NotAllowedError' || name === 'SecurityError') return t('card.cameraDenied');
  if (name === 'NotReadableError' || name === 'AbortError') return t('card.cameraBusy');
  return t('card.cameraError');
}
