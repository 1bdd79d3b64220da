// Once before all end-to-end files: make sure the production build exists and is current, and
// that Debian's Chromium is installed.
import fs from 'node:fs'
import { ensureBuild } from '#tests/support/build.ts'
import { chromiumPath } from '#tests/support/browser.ts'

export default function setup() {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing: install Debian's Chromium (apt-get install -y chromium)`)
  }
  ensureBuild()
}
