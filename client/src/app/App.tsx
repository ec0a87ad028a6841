import { lazy, Suspense } from 'react';
import { createBrowserRouter, redirect, RouterProvider } from 'react-router';
import { api } from '../lib/api';

// Each view loads its own code: the wall brings maplibre and ECharts, the meeting view needs neither.
const wallCode = () => import('../features/wall/WallPage');
// A wall (or `/`, which opens one) starts fetching its code now, while React and the router start.
if (/^\/(wall\/|$)/.test(window.location.pathname)) void wallCode();
const WallPage = lazy(() => wallCode().then((m) => ({ default: m.WallPage })));
const MeetingPage = lazy(() => import('./MeetingRoute'));
const NotificationsAdminPage = lazy(() => import('../features/admin/NotificationsAdminPage'));
const LoginPage = lazy(() => import('../features/login/LoginPage'));
const DeskPage = lazy(() => import('./DeskRoute'));

const DEFAULT_REGION = '130111';

// `/` opens the wall of the region the server is configured for (REGION), keeping ?options.
async function rootLoader({ request }: { request: Request }) {
  let region = DEFAULT_REGION;
  try {
    region = (await api.uiConfig(request.signal)).region || DEFAULT_REGION;
  } catch {
    /* server not answering yet: the demo county; the wall itself shows the link state */
  }
  return redirect(`/wall/${region}${new URL(request.url).search}`);
}

const router = createBrowserRouter([
  { path: '/', loader: rootLoader },
  {
    path: '/wall/:region',
    element: (
      <Suspense fallback={<div className="placeholder-page" />}>
        <WallPage />
      </Suspense>
    ),
  },
  {
    path: '/meeting/:region/*',
    element: (
      <Suspense fallback={<div className="placeholder-page" />}>
        <MeetingPage />
      </Suspense>
    ),
  },
  {
    path: '/admin/notifications',
    element: (
      <Suspense fallback={<div className="placeholder-page" />}>
        <NotificationsAdminPage />
      </Suspense>
    ),
  },
  {
    path: '/login',
    element: (
      <Suspense fallback={<div className="placeholder-page" />}>
        <LoginPage />
      </Suspense>
    ),
  },
  {
    path: '/desk/:region',
    element: (
      <Suspense fallback={<div className="placeholder-page" />}>
        <DeskPage />
      </Suspense>
    ),
  },
  { path: '*', loader: () => redirect('/') },
]);

export function App() {
  return <RouterProvider router={router} />;
}
