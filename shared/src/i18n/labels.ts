import type { CameraReason, CameraState } from '../schemas/camera.js';
import type { ClueCategory, ClueSource, ClueStatus, MediationOutcome } from '../schemas/clue.js';
import type { RegionLevel } from '../schemas/region.js';
import type { PeriodKind } from '../time/periods.js';

/** UI languages: Chinese first. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

type Labels<K extends string> = Record<Locale, Record<K, string>>;

/** Domain vocabulary in both languages; the client's catalogue and the server's reports use it. */
export const DOMAIN_LABELS: {
  category: Labels<ClueCategory>;
  source: Labels<ClueSource>;
  status: Labels<ClueStatus>;
  reason: Labels<CameraReason>;
  state: Labels<CameraState>;
  outcome: Labels<MediationOutcome>;
  level: Labels<RegionLevel>;
  period: Labels<PeriodKind>;
} = {
  category: {
    'zh-CN': {
      environment: '环保',
      crowd: '人群聚集',
      epidemic: '疫情防控',
      dispute: '矛盾纠纷',
      hazard: '安全隐患',
      public_opinion: '社情民意',
      security: '治安',
      other: '其他',
    },
    en: {
      environment: 'Environment',
      crowd: 'Crowd gathering',
      epidemic: 'Epidemic prevention',
      dispute: 'Dispute',
      hazard: 'Safety hazard',
      public_opinion: 'Public opinion',
      security: 'Public security',
      other: 'Other',
    },
  },
  source: {
    'zh-CN': { video: '视频研判', grid: '网格上报', hotline: '热线', appeal_day: '说事儿日' },
    en: { video: 'Video analytics', grid: 'Grid worker', hotline: 'Hotline', appeal_day: 'Appeal day' },
  },
  status: {
    'zh-CN': {
      reported: '上报',
      verified: '核实',
      dispatched: '派发',
      resolved: '办结',
      closed: '归档',
      invalid: '无效',
    },
    en: {
      reported: 'Reported',
      verified: 'Verified',
      dispatched: 'Dispatched',
      resolved: 'Resolved',
      closed: 'Closed',
      invalid: 'Invalid',
    },
  },
  reason: {
    'zh-CN': {
      power: '断电',
      black_screen: '黑屏',
      network: '网络故障',
      maintenance: '维护',
      other: '其他',
      source_down: '平台离线',
      device_offline: '设备离线',
      auth: '认证失败',
      bad_path: '地址错误',
      video_lost: '视频丢失',
      defect: '设备故障',
      no_stream: '无视频流',
    },
    en: {
      power: 'Power loss',
      black_screen: 'Black screen',
      network: 'Network',
      maintenance: 'Maintenance',
      other: 'Other',
      source_down: 'Platform down',
      device_offline: 'Device offline',
      auth: 'Login refused',
      bad_path: 'Wrong path',
      video_lost: 'Video lost',
      defect: 'Device fault',
      no_stream: 'No stream',
    },
  },
  state: {
    'zh-CN': { online: '在线', offline: '离线', unknown: '失联', maintenance: '计划维护', out_of_service: '停用' },
    en: {
      online: 'Online',
      offline: 'Offline',
      unknown: 'Unknown',
      maintenance: 'Maintenance',
      out_of_service: 'Out of service',
    },
  },
  outcome: {
    'zh-CN': { success: '调解成功', failed: '调解未成', court: '转诉讼' },
    en: { success: 'Mediated', failed: 'Failed', court: 'To court' },
  },
  level: {
    'zh-CN': { province: '省', city: '市', county: '县(区)', township: '乡镇(街道)', village: '村(社区)' },
    en: { province: 'Province', city: 'City', county: 'County', township: 'Township', village: 'Village' },
  },
  period: {
    'zh-CN': {
      today: '今日',
      yesterday: '昨日',
      this_week: '本周',
      last_week: '上周',
      this_half_month: '本半月',
      last_half_month: '上半月',
      this_month: '本月',
      last_month: '上月',
      custom: '自定义',
    },
    en: {
      today: 'Today',
      yesterday: 'Yesterday',
      this_week: 'This week',
      last_week: 'Last week',
      this_half_month: 'This half-month',
      last_half_month: 'Last half-month',
      this_month: 'This month',
      last_month: 'Last month',
      custom: 'Custom',
    },
  },
};
