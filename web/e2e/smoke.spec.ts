import { test, expect, signIn, screenshot } from './fixtures';

test('signs in, shows the demo tenant, signs out', async ({ page }) => {
  await signIn(page, 'admin');
  await expect(page.getByRole('heading', { name: 'demo-bahmni' })).toBeVisible();
  await screenshot(page, 'dashboard');
  await page.getByRole('button', { name: 'Profile' }).click();
  await page.getByRole('menuitem', { name: 'Logout' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
});

test('a wrong password shows the service message', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Email').fill('admin@example.org');
  await page.getByLabel('Password').fill('not the password at all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText(/password/i);
});

test('a client-side route reloads into the app', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.goto('/password');
  await expect(page.getByRole('button', { name: 'Change password' })).toBeVisible();
});
