import { useCallback, useEffect, useState } from 'react';
import { adminApi, adminKey, type Outcome, type Override, type Settings } from './adminApi';
import './admin.css';

const KIND_ZH: Record<string, string> = {
  dingtalk: '钉钉机器人',
  wecom: '企业微信机器人',
  webhook: 'Webhook',
  email: '邮件',
  urgent_clue: '紧急线索',
  clue_overdue: '线索超期',
  township_rate: '乡镇运行率低',
  channels_down: '通道离线汇总',
  source_down: '平台离线',
  daily_digest: '视频运行日报',
  weekly_report: '每周一汇报',
};
const zh = (k: string) => KIND_ZH[k] ?? k;

const outcome = (o: Outcome) =>
  o.status === 'sent' ? `✓ 已送达(尝试 ${o.attempts} 次)` : `✗ 失败:${o.error ?? ''}(尝试 ${o.attempts} 次)`;

/** Runs an action and shows its result under the button that started it. */
type Run = (id: string, fn: () => Promise<string>) => Promise<void>;

/** The channels, secrets masked, each with "发送测试消息". */
function ChannelTable({
  channels,
  results,
  run,
}: {
  channels: Settings['channels'];
  results: Record<string, string>;
  run: Run;
}) {
  return (
    <>
      <h2>通道</h2>
      <table className="adm-table">
        <thead>
          <tr>
            <th>通道</th>
            <th>类型</th>
            <th>地址(已隐去密钥)</th>
            <th>签名密钥</th>
            <th>每分钟</th>
            <th>来源</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {channels.map((c) => (
            <tr key={c.id} data-testid="channel-row">
              <td>
                {c.name}
                <div className="adm-sub">{c.id}</div>
              </td>
              <td>{zh(c.kind)}</td>
              <td className="adm-mono">{c.url ?? '—'}</td>
              <td className="adm-mono">{c.secret ?? '—'}</td>
              <td>{c.ratePerMinute}</td>
              <td>{c.origin === 'file' ? '配置文件' : '管理接口'}</td>
              <td>
                <button
                  type="button"
                  data-testid={`test-${c.id}`}
                  onClick={() => void run(c.id, async () => outcome(await adminApi.test(c.id)))}
                >
                  发送测试消息
                </button>
                <div className="adm-result" data-testid={`result-${c.id}`}>
                  {results[c.id]}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The rules in force; digests and reports can be sent now. */
function RuleTable({ rules, results, run }: { rules: Settings['rules']; results: Record<string, string>; run: Run }) {
  return (
    <>
      <h2>规则</h2>
      <table className="adm-table">
        <thead>
          <tr>
            <th>规则</th>
            <th>类型</th>
            <th>区域</th>
            <th>通道</th>
            <th>静默时段</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r.id}>
              <td>{r.id}</td>
              <td>{zh(r.kind)}</td>
              <td>{r.region}</td>
              <td>{r.channels.join('、')}</td>
              <td>{r.ignoreQuietHours ? '照常发送' : '暂存,结束后汇总'}</td>
              <td>
                {(r.kind === 'daily_digest' || r.kind === 'weekly_report') && (
                  <>
                    <button
                      type="button"
                      onClick={() =>
                        void run(`rule:${r.id}`, async () => `✓ 已发送:${(await adminApi.sendDigest(r.id)).title}`)
                      }
                    >
                      立即发送
                    </button>
                    <div className="adm-result">{results[`rule:${r.id}`]}</div>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The working-day override table and the form that adds a day. */
function OverrideSection(props: { overrides: Override[]; load: () => Promise<void>; setError: (m: string) => void }) {
  const { overrides, load, setError } = props;
  const [form, setForm] = useState({ date: '', workday: 'false', note: '' });
  return (
    <>
      <h2>工作日调整(法定日历未收录的日期)</h2>
      <table className="adm-table">
        <thead>
          <tr>
            <th>日期</th>
            <th>安排</th>
            <th>说明</th>
            <th>设置人</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {overrides.map((o) => (
            <tr key={o.date}>
              <td>{o.date}</td>
              <td>{o.workday ? '上班' : '放假'}</td>
              <td>{o.note ?? ''}</td>
              <td>{o.updatedBy}</td>
              <td>
                <button
                  type="button"
                  onClick={() => void adminApi.deleteOverride(o.date).then(load, (e: Error) => setError(e.message))}
                >
                  删除
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="adm-form"
        onSubmit={(e) => {
          e.preventDefault();
          void adminApi
            .putOverride(form.date, form.workday === 'true', form.note)
            .then(load, (err: Error) => setError(err.message));
        }}
      >
        <input type="date" required value={form.date} onChange={(e) => setForm({ ...form, date: e.target.value })} />
        <select value={form.workday} onChange={(e) => setForm({ ...form, workday: e.target.value })}>
          <option value="false">放假</option>
          <option value="true">上班(调休)</option>
        </select>
        <input
          placeholder="说明,如 国庆节"
          maxLength={64}
          value={form.note}
          onChange={(e) => setForm({ ...form, note: e.target.value })}
        />
        <button type="submit">添加</button>
      </form>
    </>
  );
}

/**
 * /admin/notifications — a small page for the admin: channels (secrets masked) with "发送测试消息",
 * rules in force (file and API), quiet hours now, and the working-day override table for days the
 * official calendar package does not know yet. Everything goes through the admin API.
 */
export default function NotificationsAdminPage() {
  const [key, setKey] = useState(adminKey.get());
  const [settings, setSettings] = useState<Settings | null>(null);
  const [overrides, setOverrides] = useState<Override[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [results, setResults] = useState<Record<string, string>>({});

  const load = useCallback(async () => {
    try {
      const [s, o] = await Promise.all([adminApi.settings(), adminApi.overrides()]);
      setSettings(s);
      setOverrides(o.items);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, []);
  useEffect(() => {
    document.title = '告警通知管理 · 指挥 Zhihui';
    if (adminKey.get()) void load();
  }, [load]);

  const run = async (id: string, fn: () => Promise<string>) => {
    setResults((r) => ({ ...r, [id]: '…' }));
    try {
      const text = await fn();
      setResults((r) => ({ ...r, [id]: text }));
    } catch (err) {
      setResults((r) => ({ ...r, [id]: `✗ ${(err as Error).message}` }));
    }
  };

  return (
    <main className="adm" data-testid="notify-admin">
      <h1>告警通知管理</h1>
      <form
        className="adm-key"
        onSubmit={(e) => {
          e.preventDefault();
          adminKey.set(key);
          void load();
        }}
      >
        <label>
          管理员密钥{' '}
          <input
            type="password"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            autoComplete="off"
            data-testid="admin-key"
          />
        </label>
        <button type="submit">进入</button>
      </form>
      {error && <p className="adm-error">{error}</p>}
      {settings && (
        <>
          <p className="adm-quiet">
            {settings.quiet
              ? `当前为静默时段,至 ${settings.quietUntil?.slice(5, 16).replace('T', ' ') ?? '—'}`
              : '当前不在静默时段'}
          </p>
          <ChannelTable channels={settings.channels} results={results} run={run} />
          <RuleTable rules={settings.rules} results={results} run={run} />
          <OverrideSection overrides={overrides} load={load} setError={setError} />
        </>
      )}
    </main>
  );
}
