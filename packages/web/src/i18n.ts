import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en.js';
import { ja } from './locales/ja.js';

/** Japanese first; English on request, remembered in this browser. */
const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('renkei.language') : null;

void i18n.use(initReactI18next).init({
  resources: { ja: { translation: ja }, en: { translation: en } },
  lng: saved === 'en' ? 'en' : 'ja',
  fallbackLng: 'ja',
  interpolation: { escapeValue: false },
});

export function toggleLanguage(): void {
  const next = i18n.language === 'ja' ? 'en' : 'ja';
  localStorage.setItem('renkei.language', next);
  void i18n.changeLanguage(next);
  document.documentElement.lang = next;
}

export default i18n;
