// Alert templates the composer starts from, in Latvian, English and Russian: LVĢMC-style
// meteorological warnings (yellow/orange/red, with MeteoAlarm's awareness parameters), flood, storm,
// power outage, water supply, shelter open and all-clear. Texts hold placeholders filled by
// `alertFromTemplate`: {{area}} (the area's name), {{until}} (expiry, in the reader's language),
// {{phenomenon}} (meteorological warnings) and {{shelter}} (shelter open).
// The template's name in the picker is UI text: `alerts:templates.<id>` (i18next).
import type { AppLanguage, CapCategory, CapCertainty, CapMsgType, CapResponseType, CapSeverity, CapUrgency } from '../types.ts'

export const alertTemplateIds = [
  'met-yellow',
  'met-orange',
  'met-red',
  'flood',
  'storm',
  'power-outage',
  'water-supply',
  'shelter-open',
  'all-clear',
] as const
export type AlertTemplateId = (typeof alertTemplateIds)[number]

export type TemplateTexts = { event: string; headline: string; description: string; instruction: string }

export type AlertTemplate = {
  id: AlertTemplateId
  msgType: Extract<CapMsgType, 'Alert' | 'Update'>
  category: CapCategory[]
  responseType: CapResponseType[]
  urgency: CapUrgency
  severity: CapSeverity
  certainty: CapCertainty
  /** how long the alert stays in force unless the composer says otherwise */
  defaultHours: number
  /** placeholders besides {{area}} and {{until}} that must be given */
  needs: ('phenomenon' | 'shelter')[]
  /** MeteoAlarm's awareness level (meteorological warnings) */
  awarenessLevel?: string
  texts: Record<AppLanguage, TemplateTexts>
}

/** Weather phenomena of the meteorological warnings, with MeteoAlarm's awareness_type. */
export const metPhenomena = {
  wind: { awarenessType: '1; Wind', lv: 'stiprs vējš', en: 'strong wind', ru: 'сильный ветер' },
  'snow-ice': { awarenessType: '2; snow-ice', lv: 'sniegs un apledojums', en: 'snow and ice', ru: 'снег и гололёд' },
  thunderstorm: { awarenessType: '3; thunderstorm', lv: 'pērkona negaiss', en: 'thunderstorms', ru: 'гроза' },
  fog: { awarenessType: '4; fog', lv: 'bieza migla', en: 'dense fog', ru: 'густой туман' },
  heat: { awarenessType: '5; high-temperature', lv: 'karstums', en: 'extreme heat', ru: 'сильная жара' },
  cold: { awarenessType: '6; low-temperature', lv: 'stiprs sals', en: 'severe frost', ru: 'сильный мороз' },
  rain: { awarenessType: '10; rain', lv: 'stiprs lietus', en: 'heavy rain', ru: 'сильный дождь' },
} as const satisfies Record<string, { awarenessType: string } & Record<AppLanguage, string>>
export type MetPhenomenon = keyof typeof metPhenomena

const met = (
  id: AlertTemplateId,
  level: { awareness: string; severity: CapSeverity; urgency: CapUrgency; responseType: CapResponseType[] },
  texts: Record<AppLanguage, Omit<TemplateTexts, 'event'>>,
): AlertTemplate => ({
  id,
  msgType: 'Alert',
  category: ['Met'],
  responseType: level.responseType,
  urgency: level.urgency,
  severity: level.severity,
  certainty: 'Likely',
  defaultHours: 24,
  needs: ['phenomenon'],
  awarenessLevel: level.awareness,
  texts: {
    lv: { event: 'Meteoroloģiskais brīdinājums', ...texts.lv },
    en: { event: 'Weather warning', ...texts.en },
    ru: { event: 'Метеорологическое предупреждение', ...texts.ru },
  },
})

export const alertTemplates: Record<AlertTemplateId, AlertTemplate> = {
  'met-yellow': met(
    'met-yellow',
    { awareness: '2; yellow; Moderate', severity: 'Moderate', urgency: 'Future', responseType: ['Monitor'] },
    {
      lv: {
        headline: 'Dzeltenais brīdinājums: {{phenomenon}} — {{area}}',
        description:
          'Gaidāmi potenciāli bīstami laikapstākļi ({{phenomenon}}). Skartā teritorija: {{area}}. Brīdinājums ir spēkā līdz {{until}}.',
        instruction: 'Esiet piesardzīgi, sekojiet laika prognozei un izvairieties no nevajadzīga riska.',
      },
      en: {
        headline: 'Yellow warning: {{phenomenon}} — {{area}}',
        description:
          'Potentially dangerous weather is expected ({{phenomenon}}). Area affected: {{area}}. The warning is in force until {{until}}.',
        instruction: 'Be careful, follow the weather forecast and avoid unnecessary risks.',
      },
      ru: {
        headline: 'Жёлтое предупреждение: {{phenomenon}} — {{area}}',
        description:
          'Ожидаются потенциально опасные погодные условия ({{phenomenon}}). Затронутая территория: {{area}}. Предупреждение действует до {{until}}.',
        instruction: 'Будьте осторожны, следите за прогнозом погоды и избегайте ненужного риска.',
      },
    },
  ),
  'met-orange': met(
    'met-orange',
    { awareness: '3; orange; Severe', severity: 'Severe', urgency: 'Expected', responseType: ['Prepare'] },
    {
      lv: {
        headline: 'Oranžais brīdinājums: {{phenomenon}} — {{area}}',
        description:
          'Gaidāmi bīstami laikapstākļi ({{phenomenon}}), kas var radīt postījumus un apdraudēt cilvēkus. Skartā teritorija: {{area}}. Brīdinājums ir spēkā līdz {{until}}.',
        instruction:
          'Esiet gatavi rīkoties: atlieciet nevajadzīgus braucienus, sagatavojiet 72 stundu krājumu un sekojiet pašvaldības un LVĢMC norādēm.',
      },
      en: {
        headline: 'Orange warning: {{phenomenon}} — {{area}}',
        description:
          'Dangerous weather is expected ({{phenomenon}}) that may cause damage and put people at risk. Area affected: {{area}}. The warning is in force until {{until}}.',
        instruction:
          'Be prepared: postpone unnecessary journeys, have a 72-hour supply ready and follow the instructions of the municipality and LVĢMC.',
      },
      ru: {
        headline: 'Оранжевое предупреждение: {{phenomenon}} — {{area}}',
        description:
          'Ожидаются опасные погодные условия ({{phenomenon}}), которые могут причинить ущерб и угрожать людям. Затронутая территория: {{area}}. Предупреждение действует до {{until}}.',
        instruction:
          'Будьте готовы: отложите ненужные поездки, подготовьте запас на 72 часа и следуйте указаниям самоуправления и LVĢMC.',
      },
    },
  ),
  'met-red': met(
    'met-red',
    { awareness: '4; red; Extreme', severity: 'Extreme', urgency: 'Immediate', responseType: ['Shelter'] },
    {
      lv: {
        headline: 'Sarkanais brīdinājums: {{phenomenon}} — {{area}}',
        description:
          'Gaidāmi ļoti bīstami laikapstākļi ({{phenomenon}}) ar plašiem postījumiem un draudiem dzīvībai. Skartā teritorija: {{area}}. Brīdinājums ir spēkā līdz {{until}}.',
        instruction:
          'Rīkojieties nekavējoties: palieciet drošā vietā telpās, neizbrauciet, ja tas nav obligāti, un izpildiet glābšanas dienestu norādījumus. Ārkārtas gadījumā zvaniet 112.',
      },
      en: {
        headline: 'Red warning: {{phenomenon}} — {{area}}',
        description:
          'Very dangerous weather is expected ({{phenomenon}}) with widespread damage and danger to life. Area affected: {{area}}. The warning is in force until {{until}}.',
        instruction:
          'Act now: stay indoors in a safe place, do not travel unless you must, and follow the instructions of the emergency services. In an emergency call 112.',
      },
      ru: {
        headline: 'Красное предупреждение: {{phenomenon}} — {{area}}',
        description:
          'Ожидаются очень опасные погодные условия ({{phenomenon}}) с масштабными разрушениями и угрозой для жизни. Затронутая территория: {{area}}. Предупреждение действует до {{until}}.',
        instruction:
          'Действуйте немедленно: оставайтесь в безопасном помещении, не выезжайте без крайней необходимости и выполняйте указания спасательных служб. В экстренном случае звоните 112.',
      },
    },
  ),
  flood: {
    id: 'flood',
    msgType: 'Alert',
    category: ['Met', 'Env'],
    responseType: ['Prepare', 'Avoid'],
    urgency: 'Expected',
    severity: 'Severe',
    certainty: 'Likely',
    defaultHours: 48,
    needs: [],
    texts: {
      lv: {
        event: 'Plūdi',
        headline: 'Plūdu draudi: {{area}}',
        description: 'Paredzama ūdens līmeņa celšanās un applūšana. Skartā teritorija: {{area}}. Brīdinājums ir spēkā līdz {{until}}.',
        instruction:
          'Pārvietojiet dokumentus, vērtslietas un automašīnas uz augstākām vietām, neiebrauciet un neieejiet applūdušās vietās, sagatavojieties evakuācijai un sekojiet pašvaldības norādēm.',
      },
      en: {
        event: 'Flood',
        headline: 'Flood risk: {{area}}',
        description: 'Rising water levels and flooding are expected. Area affected: {{area}}. The warning is in force until {{until}}.',
        instruction:
          "Move documents, valuables and cars to higher ground, do not drive or walk into flooded areas, be ready to evacuate and follow the municipality's instructions.",
      },
      ru: {
        event: 'Наводнение',
        headline: 'Угроза наводнения: {{area}}',
        description: 'Ожидается подъём уровня воды и подтопление. Затронутая территория: {{area}}. Предупреждение действует до {{until}}.',
        instruction:
          'Перенесите документы, ценные вещи и автомобили на возвышенность, не въезжайте и не входите в затопленные места, будьте готовы к эвакуации и следуйте указаниям самоуправления.',
      },
    },
  },
  storm: {
    id: 'storm',
    msgType: 'Alert',
    category: ['Met'],
    responseType: ['Shelter', 'Prepare'],
    urgency: 'Expected',
    severity: 'Severe',
    certainty: 'Likely',
    defaultHours: 24,
    needs: [],
    texts: {
      lv: {
        event: 'Vētra',
        headline: 'Vētras brīdinājums: {{area}}',
        description:
          'Gaidāma vētra ar ļoti stipru vēju, kas var lauzt kokus un bojāt jumtus un elektrolīnijas. Skartā teritorija: {{area}}. Brīdinājums ir spēkā līdz {{until}}.',
        instruction:
          'Palieciet telpās, nostipriniet vai novāciet priekšmetus, ko var aiznest vējš, nenovietojiet automašīnas zem kokiem un uzlādējiet telefonus.',
      },
      en: {
        event: 'Storm',
        headline: 'Storm warning: {{area}}',
        description:
          'A storm with very strong winds is expected that may bring down trees and damage roofs and power lines. Area affected: {{area}}. The warning is in force until {{until}}.',
        instruction:
          'Stay indoors, secure or bring in anything the wind could carry away, do not park under trees and charge your phones.',
      },
      ru: {
        event: 'Буря',
        headline: 'Штормовое предупреждение: {{area}}',
        description:
          'Ожидается буря с очень сильным ветром, который может ломать деревья и повреждать крыши и линии электропередачи. Затронутая территория: {{area}}. Предупреждение действует до {{until}}.',
        instruction:
          'Оставайтесь в помещении, закрепите или уберите предметы, которые может унести ветер, не оставляйте автомобили под деревьями и зарядите телефоны.',
      },
    },
  },
  'power-outage': {
    id: 'power-outage',
    msgType: 'Alert',
    category: ['Infra'],
    responseType: ['Monitor'],
    urgency: 'Immediate',
    severity: 'Moderate',
    certainty: 'Observed',
    defaultHours: 12,
    needs: [],
    texts: {
      lv: {
        event: 'Elektroapgādes pārtraukums',
        headline: 'Elektroapgādes pārtraukums: {{area}}',
        description: 'Ir pārtraukta elektroapgāde. Skartā teritorija: {{area}}. Paredzams, ka to atjaunos līdz {{until}}.',
        instruction:
          'Atvienojiet jutīgas ierīces, lietojiet lukturus, nevis sveces, taupiet telefonu akumulatorus un pārbaudiet, vai kaimiņiem nav vajadzīga palīdzība.',
      },
      en: {
        event: 'Power outage',
        headline: 'Power outage: {{area}}',
        description: 'The electricity supply is interrupted. Area affected: {{area}}. It is expected to be restored by {{until}}.',
        instruction:
          'Unplug sensitive appliances, use torches rather than candles, save your phone batteries and check whether your neighbours need help.',
      },
      ru: {
        event: 'Отключение электроэнергии',
        headline: 'Отключение электроэнергии: {{area}}',
        description: 'Электроснабжение прервано. Затронутая территория: {{area}}. Ожидается, что его восстановят до {{until}}.',
        instruction:
          'Отключите чувствительные приборы от сети, пользуйтесь фонариками, а не свечами, экономьте заряд телефонов и узнайте, не нужна ли помощь соседям.',
      },
    },
  },
  'water-supply': {
    id: 'water-supply',
    msgType: 'Alert',
    category: ['Infra', 'Health'],
    responseType: ['Prepare'],
    urgency: 'Immediate',
    severity: 'Moderate',
    certainty: 'Observed',
    defaultHours: 12,
    needs: [],
    texts: {
      lv: {
        event: 'Ūdensapgādes pārtraukums',
        headline: 'Ūdensapgādes pārtraukums: {{area}}',
        description: 'Ir pārtraukta centralizētā ūdensapgāde. Skartā teritorija: {{area}}. Paredzams, ka to atjaunos līdz {{until}}.',
        instruction:
          'Izmantojiet dzeramā ūdens krājumus vai ūdens izdales vietas; pēc atjaunošanas ļaujiet ūdenim dažas minūtes notecēt un sekojiet pašvaldības norādēm par ūdens vārīšanu.',
      },
      en: {
        event: 'Water supply interruption',
        headline: 'Water supply interrupted: {{area}}',
        description: 'The mains water supply is interrupted. Area affected: {{area}}. It is expected to be restored by {{until}}.',
        instruction:
          "Use your stored drinking water or the water distribution points; when the supply returns, let the water run for a few minutes and follow the municipality's advice on boiling it.",
      },
      ru: {
        event: 'Прекращение водоснабжения',
        headline: 'Прекращение водоснабжения: {{area}}',
        description:
          'Централизованное водоснабжение прервано. Затронутая территория: {{area}}. Ожидается, что его восстановят до {{until}}.',
        instruction:
          'Используйте запасы питьевой воды или пункты раздачи воды; после восстановления дайте воде стечь несколько минут и следуйте указаниям самоуправления о кипячении воды.',
      },
    },
  },
  'shelter-open': {
    id: 'shelter-open',
    msgType: 'Alert',
    category: ['Safety'],
    responseType: ['Shelter'],
    urgency: 'Immediate',
    severity: 'Moderate',
    certainty: 'Observed',
    defaultHours: 24,
    needs: ['shelter'],
    texts: {
      lv: {
        event: 'Atvērta patvertne',
        headline: 'Atvērta patvertne: {{shelter}}',
        description:
          'Atvērta patvertne: {{shelter}}. Tā paredzēta iedzīvotājiem no skartās teritorijas ({{area}}) un būs atvērta līdz {{until}}.',
        instruction:
          'Ņemiet līdzi personu apliecinošu dokumentu, nepieciešamos medikamentus, ūdeni, siltu apģērbu un telefona lādētāju. Ja nepieciešama palīdzība nokļūšanai, zvaniet 112.',
      },
      en: {
        event: 'Shelter open',
        headline: 'Shelter open: {{shelter}}',
        description: 'A shelter is open: {{shelter}}. It is for residents of the affected area ({{area}}) and will stay open until {{until}}.',
        instruction:
          'Bring an identity document, the medicines you need, water, warm clothes and a phone charger. If you need help getting there, call 112.',
      },
      ru: {
        event: 'Открыто укрытие',
        headline: 'Открыто укрытие: {{shelter}}',
        description:
          'Открыто укрытие: {{shelter}}. Оно предназначено для жителей затронутой территории ({{area}}) и будет открыто до {{until}}.',
        instruction:
          'Возьмите с собой удостоверение личности, необходимые лекарства, воду, тёплую одежду и зарядное устройство для телефона. Если вам нужна помощь, чтобы добраться, звоните 112.',
      },
    },
  },
  'all-clear': {
    id: 'all-clear',
    msgType: 'Update',
    category: ['Safety'],
    responseType: ['AllClear'],
    urgency: 'Past',
    severity: 'Minor',
    certainty: 'Observed',
    defaultHours: 6,
    needs: [],
    texts: {
      lv: {
        event: 'Briesmas ir garām',
        headline: 'Briesmas ir garām: {{area}}',
        description: 'Iepriekš izsludinātais brīdinājums vairs nav spēkā, apdraudējums ir beidzies. Teritorija: {{area}}.',
        instruction:
          'Atgriežoties mājās, uzmanieties no bojājumiem, sekojiet pašvaldības norādēm un pārbaudiet, vai kaimiņiem nav vajadzīga palīdzība.',
      },
      en: {
        event: 'All clear',
        headline: 'All clear: {{area}}',
        description: 'The earlier warning is no longer in force; the danger has passed. Area: {{area}}.',
        instruction:
          "When you return home, watch out for damage, follow the municipality's instructions and check whether your neighbours need help.",
      },
      ru: {
        event: 'Отбой тревоги',
        headline: 'Отбой тревоги: {{area}}',
        description: 'Ранее объявленное предупреждение больше не действует, опасность миновала. Территория: {{area}}.',
        instruction:
          'Возвращаясь домой, остерегайтесь повреждений, следуйте указаниям самоуправления и узнайте, не нужна ли помощь соседям.',
      },
    },
  },
}
