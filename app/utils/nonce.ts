import { createContext, useContext } from 'react'

// The CSP nonce exists only during server rendering (browsers hide nonce attributes from the
// DOM, so the client renders without it and React accepts that).
export const NonceContext = createContext<string | undefined>(undefined)
export const NonceProvider = NonceContext.Provider

export function useNonce(): string | undefined {
  return useContext(NonceContext)
}
