import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { ConfigValue } from './ConfigList';

describe('ConfigValue', () => {
  it('draws a secret as set, with no trace of the mask', () => {
    const { container } = render(<ConfigValue entry={{ value: '***', is_secret: true }} />);
    expect(screen.getByText('set')).toBeInTheDocument();
    expect(container.textContent).not.toContain('*');
  });
  it('draws a plain value as itself', () => {
    render(<ConfigValue entry={{ value: 'admin@sim', is_secret: false }} />);
    expect(screen.getByText('admin@sim')).toBeInTheDocument();
  });
});
