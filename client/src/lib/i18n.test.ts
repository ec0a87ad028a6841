import { afterEach, describe, expect, test } from 'vitest';
import { label, setLocale, t, wallLabel } from './i18n';

describe('wall catalogue', () => {
  afterEach(() => setLocale('zh-CN'));

  test('English picks the singular or plural form by n; Chinese has one form', () => {
    setLocale('en');
    expect(t('alerts.overdueMore', { n: 1 })).toBe('1 clue overdue');
    expect(t('alerts.overdueMore', { n: 3 })).toBe('3 clues overdue');
    expect(t('alerts.offline', { region: '冶河镇', n: 0 })).toBe('冶河镇: 0 channels down');
    setLocale('zh-CN');
    expect(t('alerts.overdueMore', { n: 1 })).toBe('1条线索超期');
  });

  test('the wall shortens long English domain words and keeps the rest', () => {
    setLocale('en');
    expect(label('category', 'epidemic')).toBe('Epidemic prevention');
    expect(wallLabel('category', 'epidemic')).toBe('Epidemic');
    expect(wallLabel('status', 'dispatched')).toBe('Assigned');
    expect(wallLabel('category', 'dispute')).toBe(label('category', 'dispute'));
    setLocale('zh-CN');
    expect(wallLabel('category', 'epidemic')).toBe('疫情防控');
  });
});
