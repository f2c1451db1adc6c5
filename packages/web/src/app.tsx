import { Alert, Anchor, AppShell, Center, Loader } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { AppHeader } from './components/app-header.js';
import { AdminDicomPeersPage } from './pages/admin-dicom-peers-page.js';
import { AdminFeesPage } from './pages/admin-fees-page.js';
import { AdminParticipantsPage } from './pages/admin-participants-page.js';
import { AdminReviewsPage } from './pages/admin-reviews-page.js';
import { AdminTerminalsPage } from './pages/admin-terminals-page.js';
import { AdminUsersPage } from './pages/admin-users-page.js';
import { CardPage } from './pages/card-page.js';
import { ExchangeComposePage, ExchangeDetailPage, ExchangeListPage, ExchangeStatsPage } from './pages/exchange-page.js';
import { ExchangeIdUsagePage } from './pages/exchange-id-usage-page.js';
import { ImageViewerPage } from './pages/image-viewer-page.js';
import { LoginPage } from './pages/login-page.js';
import { PatientPage } from './pages/patient-page.js';
import { PublicPage } from './pages/public-page.js';
import { SettingsPage } from './pages/settings-page.js';
import { useMe, useTerminal } from './session.js';

/** The public directory needs no terminal and no login; everything else is the terminal's app. */
export function App() {
  return /^\/public\/?$/.test(useLocation().pathname) ? <PublicPage /> : <TerminalApp />;
}

function TerminalApp() {
  const { t } = useTranslation();
  const terminal = useTerminal();
  const me = useMe();
  const [failedLogins, setFailedLogins] = useState(0);
  if (terminal.isError) {
    return (
      <Center h="100vh" p="md">
        <Alert color="red" title={t('app.title')} data-testid="terminal-missing">
          {t('terminal.missing')}
          <br />
          <Anchor href="/public">{t('admin.nav.publicDirectory')}</Anchor>
        </Alert>
      </Center>
    );
  }
  if (terminal.isPending || me.isPending) {
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    );
  }
  const loggedIn = me.data != null;
  // A one-time password (first login, or reset) opens nothing but the screen that replaces it.
  const mustChangePassword = me.data?.user.mustChangePassword === true;
  const canAdminister = me.data?.canAdminister === true;
  return (
    <AppShell header={{ height: terminal.data.demo ? 84 : 56 }} padding="sm">
      <AppShell.Header className="no-print">
        <AppHeader terminal={terminal.data} me={me.data ?? null} />
      </AppShell.Header>
      <AppShell.Main>
        {loggedIn && failedLogins > 0 && (
          <Alert color="orange" withCloseButton onClose={() => setFailedLogins(0)} mb="sm" className="no-print" data-testid="login-failures">
            {t('login.failuresSinceLast', { failures: failedLogins })}
          </Alert>
        )}
        {mustChangePassword ? (
          <SettingsPage me={me.data!} forced />
        ) : (
          <Routes>
            <Route path="/login" element={loggedIn ? <Navigate to="/card" replace /> : <LoginPage onLoggedIn={setFailedLogins} />} />
            <Route path="/card" element={loggedIn ? <CardPage me={me.data!} /> : <Navigate to="/login" replace />} />
            <Route path="/patients/:accessId/:tab?" element={loggedIn ? <PatientPage /> : <Navigate to="/login" replace />} />
            <Route path="/exchanges" element={loggedIn ? <ExchangeListPage me={me.data!} /> : <Navigate to="/login" replace />} />
            <Route path="/exchanges/stats" element={loggedIn ? <ExchangeStatsPage /> : <Navigate to="/login" replace />} />
            <Route path="/exchanges/id-usage" element={loggedIn ? <ExchangeIdUsagePage /> : <Navigate to="/login" replace />} />
            <Route path="/exchanges/new" element={loggedIn ? <ExchangeComposePage me={me.data!} /> : <Navigate to="/login" replace />} />
            <Route path="/exchanges/:id" element={loggedIn ? <ExchangeDetailPage me={me.data!} /> : <Navigate to="/login" replace />} />
            <Route path="/images/studies/:study" element={loggedIn ? <ImageViewerPage me={me.data!} /> : <Navigate to="/login" replace />} />
            <Route path="/settings" element={loggedIn ? <SettingsPage me={me.data!} /> : <Navigate to="/login" replace />} />
            <Route path="/admin/terminals" element={canAdminister ? <AdminTerminalsPage /> : <Navigate to="/" replace />} />
            <Route path="/admin/users" element={canAdminister ? <AdminUsersPage ownId={me.data!.user.id} operator={me.data!.user.role === 'operator'} /> : <Navigate to="/" replace />} />
            <Route path="/admin/participants" element={canAdminister ? <AdminParticipantsPage me={me.data!} /> : <Navigate to="/" replace />} />
            <Route path="/admin/reviews" element={me.data?.user.role === 'operator' ? <AdminReviewsPage /> : <Navigate to="/" replace />} />
            <Route path="/admin/dicom-peers" element={canAdminister ? <AdminDicomPeersPage /> : <Navigate to="/" replace />} />
            <Route path="/admin/fees" element={canAdminister ? <AdminFeesPage me={me.data!} /> : <Navigate to="/" replace />} />
            <Route path="*" element={<Navigate to={loggedIn ? '/card' : '/login'} replace />} />
          </Routes>
        )}
      </AppShell.Main>
    </AppShell>
  );
}
