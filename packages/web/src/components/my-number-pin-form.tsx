import { Button, Group, PasswordInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

/** The patient types the card's 4-digit PIN; the form clears it as soon as it is used. */
export function MyNumberPinForm({ submitLabel, busy, onPin, testId }: { submitLabel: string; busy: boolean; onPin: (pin: string) => Promise<void>; testId: string }) {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!/^\d{4}$/.test(pin)) return;
    const entered = pin;
    setPin('');
    void onPin(entered);
  };
  return (
    <form onSubmit={submit} data-testid={testId}>
      <Group align="end" wrap="nowrap">
        <PasswordInput
          label={t('myNumber.pin')}
          name="pin"
          value={pin}
          onChange={(e) => setPin(e.currentTarget.value.replace(/\D/g, '').slice(0, 4))}
          inputMode="numeric"
          autoComplete="off"
          w={160}
        />
        <Button type="submit" loading={busy} disabled={pin.length !== 4}>
          {submitLabel}
        </Button>
      </Group>
    </form>
  );
}
