import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';

/** Where the app is: the URL holds each page's state (filters, cursor), so every view is a deep link. */
export interface Location {
  readonly path: string;
  readonly query: URLSearchParams;
}

export interface Router {
  readonly location: Location;
  readonly navigate: (url: string, options?: { replace?: boolean }) => void;
}

const here = (): Location => ({ path: location.pathname, query: new URLSearchParams(location.search) });

export const RouterContext = createContext<Router>({ location: here(), navigate: () => undefined });
export const useRouter = (): Router => useContext(RouterContext);

/** History-API routing: the gateway answers index.html for any page path, so reloads and links work. */
export const useBrowserRouter = (): Router => {
  const [current, setCurrent] = useState(here);
  useEffect(() => {
    const onPop = (): void => setCurrent(here());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  return {
    location: current,
    navigate: (url, options = {}) => {
      if (options.replace) history.replaceState(null, '', url);
      else history.pushState(null, '', url);
      setCurrent(here());
      // A new page starts at its top, as a full page load would.
      scrollTo(0, 0);
    },
  };
};

/** A real link (open in a new tab works) that changes page without reloading the app. */
export const Link = ({
  href,
  children,
  class: className,
  label,
  style,
}: {
  href: string;
  children: ComponentChildren;
  class?: string;
  /** An accessible name other than the text (a chart's segment says what its number counts). */
  label?: string;
  /** Set through the DOM, which the CSP allows (a chart's widths). */
  style?: Readonly<Record<string, string>>;
}) => {
  const { navigate } = useRouter();
  return (
    <a
      href={href}
      class={className}
      aria-label={label}
      style={style}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
};
