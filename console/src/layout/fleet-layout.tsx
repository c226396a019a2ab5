/**
 * The frame around every page: react-admin's layout with the live indicator in the app bar, the
 * language switch, and the document's `lang` kept in step with the chosen language (screen
 * readers pronounce by it). The menu lists only what the signed-in role may open.
 */
import { type ReactNode, useEffect } from 'react';
import {
  AppBar,
  Layout,
  LocalesMenuButton,
  Logout,
  TitlePortal,
  ToggleThemeButton,
  UserMenu,
  useGetIdentity,
  useLocaleState,
} from 'react-admin';
import { LiveIndicator } from '../live/live-indicator.tsx';

/** The user menu named by who is signed in: its accessible name is the text it shows. */
function FleetUserMenu() {
  const { identity } = useGetIdentity();
  return (
    <UserMenu label={identity?.fullName ?? 'ra.auth.user_menu'}>
      <Logout />
    </UserMenu>
  );
}

function FleetAppBar() {
  return (
    <AppBar
      userMenu={<FleetUserMenu />}
      toolbar={
        <>
          <LiveIndicator />
          <LocalesMenuButton />
          <ToggleThemeButton />
        </>
      }
    >
      <TitlePortal />
    </AppBar>
  );
}

function DocumentLanguage() {
  const [locale] = useLocaleState();
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  return null;
}

export function FleetLayout({ children }: { children: ReactNode }) {
  return (
    <Layout appBar={FleetAppBar}>
      <DocumentLanguage />
      {children}
    </Layout>
  );
}
